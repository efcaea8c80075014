// @ts-check
// The figures (a PNG or SVG download, the frames of "Record GIF") and the
// GIF encoder, in a Web Worker of their own that loads the page's second
// WebAssembly module (crates/figures). The page itself never fetches that
// module: the worker does, the first time a figure is asked for, so the
// SVG writer and the GIF encoder cost a visitor nothing until then.

import { startWorker } from "./engine.js";

/**
 * Where the figures' module is: beside the engine's, its file names
 * Trunk's own (not hashed), so the engine's hash is added to tell builds
 * apart in a cache.
 */
function urls() {
  const { js } = window.wasmUrls;
  const build = /-([0-9a-f]{16})\.js$/.exec(js)?.[1] ?? "";
  const at = (name) => new URL(`${name}?v=${build}`, js).href;
  return { js: at("optiviz-figures.js"), wasm: at("optiviz-figures_bg.wasm") };
}

/** @typedef {import("./tasks.js").FigureStep} FigureStep */
/** @typedef {import("./tasks.js").FigureAnswer} FigureAnswer */

/**
 * An experiment's figure in a worker: each call a message, its answer
 * awaited in turn (several may be under way at once, answered in order).
 * `stop()` ends the worker, and every call still waiting fails.
 */
export class FigureWorker {
  constructor() {
    /** @type {{ ok: (a: FigureAnswer) => void, fail: (e: Error) => void }[]} */
    this.waiting = [];
    this.worker = startWorker(
      /** @param {FigureAnswer} answer */
      (_, answer) => {
        const w = this.waiting.shift();
        if (!w) return;
        if (answer.figure === "error") w.fail(new Error(answer.error));
        else w.ok(answer);
      },
      (event) => this.fail(new Error(event.message || "the figures' worker stopped")),
    );
  }

  /**
   * Sends `step`; its answer.
   * @template {FigureAnswer["figure"]} K
   * @param {FigureStep} step
   * @param {K} expected The answer's kind.
   * @param {Transferable[]} [transfer]
   * @returns {Promise<Extract<FigureAnswer, { figure: K }>>}
   */
  ask(step, expected, transfer = []) {
    const answer = new Promise((ok, fail) => {
      this.waiting.push({
        ok: (a) => (a.figure === expected ? ok(/** @type {Extract<FigureAnswer, { figure: K }>} */ (a)) : fail(new Error(`the figures' worker answered ${a.figure}`))),
        fail,
      });
      this.worker.postMessage({ figure: step }, transfer);
    });
    // An answer nobody waits for any more (a frame asked for ahead, when
    // the recording is cancelled) fails quietly.
    answer.catch(() => {});
    return answer;
  }

  /**
   * Opens the experiment `json`'s figure (in the dark theme when `dark`,
   * in relief from `angle`): the steps a GIF of it shows and the paths'
   * colours.
   * @param {string} json @param {boolean} dark @param {number[] | null} angle
   */
  open(json, dark, angle) {
    return this.ask({ kind: "open", urls: urls(), experiment: json, dark, angle }, "opened");
  }

  /**
   * The figure `width` × `height` at `step` (the last when null), the loss
   * chart under it when `chart`: SVG text.
   * @param {number} width @param {number} height @param {number | null} step @param {boolean} chart
   */
  svg(width, height, step, chart) {
    const svg = this.ask({ kind: "svg", width, height, step, chart }, "svg").then((a) => a.svg);
    svg.catch(() => {}); // as in `ask`
    return svg;
  }

  /** @param {Error} e */
  fail(e) {
    for (const w of this.waiting.splice(0)) w.fail(e);
  }

  /** Ends the worker; what waits fails with "cancelled". */
  stop() {
    this.worker.terminate();
    this.fail(new Error("cancelled"));
  }
}

/**
 * An SVG drawn on `canvas` (its size), read back as RGBA.
 * @param {string} svg @param {HTMLCanvasElement} canvas
 */
export async function rasterize(svg, canvas) {
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const g = canvas.getContext("2d", { willReadFrequently: true });
    g.clearRect(0, 0, canvas.width, canvas.height);
    g.drawImage(img, 0, 0, canvas.width, canvas.height);
    return g;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * The page's experiment as shown now: its JSON, theme and angle, for
 * `FigureWorker.open`.
 * @param {import("./context.js").Context} ctx
 * @returns {[string, boolean, number[] | null]}
 */
export function shown(ctx) {
  const angle = ctx.app.reliefAngle();
  return [ctx.app.experimentJson(), ctx.layout.isDark(), angle ? Array.from(angle) : null];
}
