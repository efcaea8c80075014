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

export function build(ctx) {
  const { app } = ctx;
  const { showError, notice } = ctx.messages;

  $("download-png").addEventListener("click", () => {
    ctx.plot.composite().toBlob((b) => download("optiviz.png", b));
  });
  // The figure at the plot's size on screen, in CSS pixels.
  $("download-svg").addEventListener("click", () => {
    const [w, h] = ctx.layout.plotSize();
    let svg;
    try {
      svg = app.figureSvg(w, h);
    } catch (e) {
      showError(`The SVG figure could not be made: ${e}`);
      return;
    }
    download("optiviz.svg", new Blob([svg], { type: "image/svg+xml" }));
  });
  $("download-csv").addEventListener("click", () => download("optiviz.csv", new Blob([app.csv()], { type: "text/csv" })));
  $("download-json").addEventListener("click", () => download("optiviz.json", new Blob([app.json()], { type: "application/json" })));
  $("save").addEventListener("click", () => download("experiment.json", new Blob([app.experimentJson()], { type: "application/json" })));
  $("open").addEventListener("click", () => $("open-file").click());
  $("open-file").addEventListener("change", async () => {
    const file = $("open-file").files[0];
    $("open-file").value = "";
    if (!file) return;
    let obj;
    try {
      obj = JSON.parse(await file.text());
    } catch (e) {
      showError(`${file.name} is not a JSON file: ${e.message}`);
      return;
    }
    const result = ctx.api.setExperiment(obj);
    if (result.ok) notice(`Opened ${file.name}`);
    else showError(`${file.name}: ${result.error}`);
  });
}
