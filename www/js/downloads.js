// @ts-check
// The header's file buttons: the plot as PNG or SVG, the trajectories as CSV
// or JSON, and Save and Open of the experiment file.

import { $ } from "./dom.js";

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

  // The figure at the plot's size on screen, in CSS pixels: the SVG, and
  // the same picture (legend and colour scale included) as a PNG at twice
  // that size.
  function figure() {
    const [w, h] = ctx.layout.plotSize();
    try {
      return { svg: app.figureSvg(w, h), w, h };
    } catch (e) {
      showError(`The figure could not be made: ${e}`);
      return null;
    }
  }
  $("download-png").addEventListener("click", async () => {
    const f = figure();
    if (!f) return;
    const url = URL.createObjectURL(new Blob([f.svg], { type: "image/svg+xml" }));
    try {
      const img = new Image();
      img.src = url;
      await img.decode();
      const canvas = document.createElement("canvas");
      canvas.width = f.w * 2;
      canvas.height = f.h * 2;
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      const png = await new Promise((done) => canvas.toBlob(done, "image/png"));
      if (!png) throw new Error("the browser made no image");
      download("optiviz.png", png);
    } catch (e) {
      showError(`The PNG figure could not be made: ${e.message ?? e}`);
    } finally {
      URL.revokeObjectURL(url);
    }
  });
  $("download-svg").addEventListener("click", () => {
    const f = figure();
    if (f) download("optiviz.svg", new Blob([f.svg], { type: "image/svg+xml" }));
  });
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
