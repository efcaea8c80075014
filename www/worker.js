// @ts-check
// A Web Worker of the page. Started by the page's pool (js/pool.js), it
// computes a task at a time (js/tasks.js), a slice of the long work, in its
// own WebAssembly instance of the engine (from the compiled module the page
// sends, or the module's URL), and answers with its result. Started for the
// figures (js/figures.js), it loads the figures' module instead (fetched
// the first time a figure is asked for), draws an experiment's figure as
// SVG and encodes the frames the page rasterizes into a GIF.

import { run } from "./js/tasks.js";

/** @typedef {import("./js/tasks.js").Engine} Engine */

/** @type {Engine | null} */
let engine = null;
/** @param {Partial<import("./js/tasks.js").Load>} where */
async function load({ urls, module }) {
  if (!engine) {
    /** @type {Engine} */
    const glue = await import(urls.js);
    // The page's compiled module when it sends one: no compiling here.
    await glue.default({ module_or_path: module ?? urls.wasm });
    engine = glue;
  }
  return engine;
}

/** @type {typeof import("optiviz-figures") | null} */
let figures = null;
/** @type {import("optiviz-figures").Figures | null} */
let figure = null;
// What `figure` was opened with.
let opened = "";
/** @type {import("optiviz-figures").GifEncoder | null} */
let gif = null;

/**
 * A figures' message, answered.
 * @param {import("./js/tasks.js").FigureStep} step
 * @returns {Promise<[import("./js/tasks.js").FigureAnswer, Transferable[]]>}
 */
async function draw(step) {
  switch (step.kind) {
    case "open": {
      if (!figures) {
        /** @type {typeof import("optiviz-figures")} */
        const glue = await import(step.urls.js);
        await glue.default({ module_or_path: step.urls.wasm });
        figures = glue;
      }
      // The same experiment, theme and angle again (another download of
      // what is shown): the figure kept, its sampled surface with it.
      const key = JSON.stringify([step.experiment, step.dark, step.angle]);
      if (key !== opened) {
        figure?.free();
        figure = null;
        opened = "";
        figure = new figures.Figures(step.experiment, step.dark, step.angle ? new Float64Array(step.angle) : undefined);
        opened = key;
      }
      const steps = Array.from(figure.steps());
      return [{ figure: "opened", steps, colours: figure.colours() }, []];
    }
    case "svg":
      return [{ figure: "svg", svg: figure.svg(step.width, step.height, step.step ?? undefined, step.chart) }, []];
    case "start":
      gif?.free();
      gif = new figures.GifEncoder(step.width, step.height, step.fps, new Uint8Array(step.key), step.exact);
      return [{ figure: "ready" }, []];
    case "frame":
      gif.add(new Uint8Array(step.rgba));
      return [{ figure: "added" }, []];
    case "finish": {
      // A copy out of the module's memory, in an ArrayBuffer of its own.
      const bytes = /** @type {Uint8Array<ArrayBuffer>} */ (gif.finish());
      gif = null;
      return [{ figure: "done", bytes }, [bytes.buffer]];
    }
  }
}

// The figures' messages are answered in the order they came, each after the
// one before (the first loads the module).
let queue = Promise.resolve();
/** @param {import("./js/tasks.js").FigureMessage} message */
function figureMessage(message) {
  queue = queue.then(async () => {
    try {
      const [answer, transfer] = await draw(message.figure);
      self.postMessage(answer, transfer);
    } catch (e) {
      self.postMessage({ figure: "error", error: String(e?.message ?? e) });
    }
  });
}

/** @param {import("./js/tasks.js").TaskMessage} message */
async function compute(message) {
  /** @type {import("./js/tasks.js").TaskAnswer} */
  let answer;
  try {
    answer = { result: run(await load(message), message.task) };
  } catch (e) {
    answer = { error: String(e) };
  }
  self.postMessage(answer);
}

self.onmessage = (event) => ("figure" in event.data ? figureMessage(event.data) : compute(event.data));
