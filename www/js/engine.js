// The engine's WebAssembly module for the Web Workers: compiled once (from
// the browser's cache) and handed to every worker, which then instantiates
// it without compiling it again.

let compiled = null;

export function engineModule() {
  compiled ??= WebAssembly.compileStreaming(fetch(window.wasmUrls.wasm)).catch((e) => {
    compiled = null;
    throw e;
  });
  return compiled;
}
