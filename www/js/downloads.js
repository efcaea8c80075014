// @ts-check
// The header's file buttons: the plot as PNG or SVG, the trajectories as CSV
// or JSON, and Save and Open of the experiment file.

import { $ } from "./dom.js";
import { FigureWorker, rasterize, shown } from "./figures.js";

function download(name, blob) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** @param {import("./context.js").Context} ctx */
export function build(ctx) {
  const { app } = ctx;
  const { showError, notice } = ctx.messages;

  // The figure at the plot's size on screen, in CSS pixels, drawn in the
  // figures' worker (figures.js): the SVG, and the same picture (legend and
  // colour scale included) as a PNG at twice that size. The worker stays a
  // while for the next download, then goes (its memory with it). A click
  // while one is being made is ignored.
  const LINGER_MS = 60_000;
  /** @type {FigureWorker | null} */
  let worker = null;
  let linger = 0;
  let making = false;
  const lingering = () => {
    clearTimeout(linger);
    linger = window.setTimeout(() => { worker?.stop(); worker = null; }, LINGER_MS);
  };
  // A pointer over PNG or SVG, or the focus on one, starts the worker (and
  // its module loading) ahead of the click.
  function warm() {
    if (worker || making) return;
    worker = new FigureWorker();
    worker.open(...shown(ctx)).catch(() => {});
    lingering();
  }
  async function figure(what, save) {
    if (making) return;
    making = true;
    clearTimeout(linger);
    worker ??= new FigureWorker();
    try {
      const [w, h] = ctx.layout.plotSize();
      await worker.open(...shown(ctx));
      await save(await worker.svg(w, h, app.step, false), w, h);
    } catch (e) {
      showError(`The ${what} could not be made: ${e.message ?? e}`);
      worker.stop();
      worker = null;
    } finally {
      making = false;
      lingering();
    }
  }
  for (const id of ["download-png", "download-svg"]) {
    $(id).addEventListener("pointerenter", warm);
    $(id).addEventListener("focus", warm);
  }
  $("download-png").addEventListener("click", () => figure("PNG figure", async (svg, w, h) => {
    const canvas = document.createElement("canvas");
    canvas.width = w * 2;
    canvas.height = h * 2;
    await rasterize(svg, canvas);
    const png = await new Promise((done) => canvas.toBlob(done, "image/png"));
    if (!png) throw new Error("the browser made no image");
    download("optiviz.png", png);
  }));
  $("download-svg").addEventListener("click", () => figure("SVG figure", (svg) => {
    download("optiviz.svg", new Blob([svg], { type: "image/svg+xml" }));
  }));
  $("download-csv").addEventListener("click", () => download("optiviz.csv", new Blob([app.csv()], { type: "text/csv" })));
  $("download-json").addEventListener("click", () => download("optiviz.json", new Blob([app.json()], { type: "application/json" })));
  $("save").addEventListener("click", () => download("experiment.json", new Blob([app.experimentJson()], { type: "application/json" })));
  const openFile = $("open-file", HTMLInputElement);
  $("open").addEventListener("click", () => openFile.click());
  openFile.addEventListener("change", async () => {
    const file = openFile.files[0];
    openFile.value = "";
    if (!file) return;
    let obj;
    try {
      obj = JSON.parse(await file.text());
    } catch (e) {
      showError(`${file.name} is not a JSON file: ${e.message}`);
      return;
    }
    // Every problem the file has is named (api.js shows them, each beside its control).
    const result = ctx.api.setExperiment(obj);
    if (result.ok) notice(`Opened ${file.name}`);
    else ctx.messages.show(result.errors, { lead: `${file.name}: `, all: true });
  });
}
