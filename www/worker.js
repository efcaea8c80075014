// A Web Worker that computes slices of the long work (a basin map's rows, a
// learning-rate sweep's rates, a network landscape's rows): its own WebAssembly instance of the engine
// (from the compiled module the page sends, or the module's URL), then one
// message per slice, answered with that slice's results. A worker started
// for "Record GIF" instead encodes the frames the page sends it, one GIF.

let engine = null;
let gif = null;

async function load(urls, module) {
  if (!engine) {
    const glue = await import(urls.js);
    // The page's compiled module when it sends one: no compiling here.
    await glue.default({ module_or_path: module ?? urls.wasm });
    engine = glue;
  }
}

// The GIF's messages: start (its size, rate, palette frame and exact
// colours), a frame at a time, then finish, answered with the GIF's bytes.
async function encode({ urls, module, gif: msg }) {
  try {
    if (msg.kind === "start") {
      await load(urls, module);
      gif = new engine.GifEncoder(msg.width, msg.height, msg.fps, new Uint8Array(msg.key), new Uint8Array(msg.exact));
      self.postMessage({ gif: "ready" });
    } else if (msg.kind === "frame") {
      gif.add(new Uint8Array(msg.rgba));
      self.postMessage({ gif: "added" });
    } else {
      const bytes = gif.finish();
      gif = null;
      self.postMessage({ gif: "done", bytes }, [bytes.buffer]);
    }
  } catch (e) {
    self.postMessage({ gif: "error", error: String(e) });
  }
}

self.onmessage = async (event) => {
  if (event.data.gif) return encode(event.data);
  const { urls, module, job } = event.data;
  try {
    await load(urls, module);
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
