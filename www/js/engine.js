// @ts-check
// The Web Workers that run the long work (www/worker.js), and the engine's
// WebAssembly module for them: compiled once (from the browser's cache) and
// handed to every worker, which then instantiates it without compiling it again.

// One per core, but not so many engines that memory runs short on a big machine.
export const WORKERS = Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 16));

/**
 * A new worker whose answers go to `received(worker, message)`.
 * @template A The worker's answers.
 * @param {(worker: Worker, message: A) => void} received
 * @param {(event: ErrorEvent) => void} failed
 */
export function startWorker(received, failed) {
  const w = new Worker(new URL("worker.js", document.baseURI), { type: "module" });
  w.onmessage = (event) => received(w, event.data);
  w.onerror = failed;
  return w;
}

/** @type {Promise<WebAssembly.Module> | null} */
let compiled = null;

export function engineModule() {
  compiled ??= WebAssembly.compileStreaming(fetch(window.wasmUrls.wasm)).catch((e) => {
    compiled = null;
    throw e;
  });
  return compiled;
}
