// A Web Worker that computes slices of a basin map: its own WebAssembly
// instance of the engine (the page sends the module's URLs), then one message
// per slice of rows, answered with that slice's outcomes.

let engine = null;

self.onmessage = async (event) => {
  const { urls, job } = event.data;
  try {
    if (!engine) {
      const glue = await import(urls.js);
      await glue.default({ module_or_path: urls.wasm });
      engine = glue;
    }
    const { experiment, grid, view, rows } = job;
    const result = engine.basinRows(experiment, grid, view[0], view[1], view[2], view[3], rows[0], rows[1]);
    self.postMessage({ id: job.id, rows, result });
  } catch (e) {
    self.postMessage({ id: job.id, rows: job.rows, error: String(e) });
  }
};
