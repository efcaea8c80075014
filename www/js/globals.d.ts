// What the page's start script (Trunk.toml's pattern_script) and
// first-frame.js put on window.

interface Window {
  /** The engine's bindings, once its WebAssembly has loaded. */
  wasmBindings?: typeof import("optiviz-wasm");
  /** Where the engine's glue and WebAssembly are, for the workers to load them. */
  wasmUrls: { js: string; wasm: string };
  /** The page's JavaScript API (api.js). */
  optiviz: ReturnType<typeof import("./api.js").build>;
}
