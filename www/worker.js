// A Web Worker that computes slices of the long work (a basin map's rows, a
// learning-rate sweep's rates, a network landscape's rows): its own WebAssembly instance of the engine
// (from the compiled module the page sends, or the module's URL), then one
// message per slice, answered with that slice's results.

let engine = null;

self.onmessage = async (event) => {
  const { urls, module, job } = event.data;
  try {
    if (!engine) {
      const glue = await import(urls.js);
      // The page's compiled module when it sends one: no compiling here.
      await glue.default({ module_or_path: module ?? urls.wasm });
      engine = glue;
    }
    let result;
    if (job.kind === "landscape") {
      const { experiment, plane, view, width, height, rows } = job;
      result = engine.landscapeRows(experiment, new Float64Array(plane), new Float64Array(view), width, height, rows[0], rows[1]);
    } else if (job.kind === "sweep") {
      result = engine.sweepRuns(job.experiment, job.optimizer, new Float64Array(job.lrs));
    } else {
      const { experiment, grid, view, rows } = job;
      result = engine.basinRows(experiment, grid, view[0], view[1], view[2], view[3], rows[0], rows[1]);
    }
    self.postMessage({ id: job.id, job, result });
  } catch (e) {
    self.postMessage({ id: job.id, job, error: String(e) });
  }
};
