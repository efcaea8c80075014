// @ts-check
// A Web Worker with its own WebAssembly instance of the engine (from the
// compiled module the page sends, or the module's URL). Started by the
// page's pool (js/pool.js), it computes a task at a time (js/tasks.js), a
// slice of the long work, and answers with its result; started for "Record
// GIF", it encodes the frames the page sends it, one GIF.

import { run } from "./js/tasks.js";

/** @typedef {import("./js/tasks.js").Engine} Engine */

/** @type {Engine | null} */
let engine = null;
/** @type {import("optiviz-wasm").GifEncoder | null} */
let gif = null;

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

/** @param {import("./js/tasks.js").GifAnswer} answer @param {Transferable[]} [transfer] */
const answerGif = (answer, transfer = []) => self.postMessage(answer, transfer);

// The GIF's messages: start, a frame at a time, then finish, answered with
// the GIF's bytes.
/** @param {import("./js/tasks.js").GifMessage} message */
async function encode(message) {
  const step = message.gif;
  try {
    if (step.kind === "start") {
      const { GifEncoder } = await load(message);
      gif = new GifEncoder(step.width, step.height, step.fps, new Uint8Array(step.key), new Uint8Array(step.exact));
      answerGif({ gif: "ready" });
    } else if (step.kind === "frame") {
      gif.add(new Uint8Array(step.rgba));
      answerGif({ gif: "added" });
    } else {
      const bytes = gif.finish();
      gif = null;
      answerGif({ gif: "done", bytes }, [bytes.buffer]);
    }
  } catch (e) {
    answerGif({ gif: "error", error: String(e) });
  }
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

self.onmessage = (event) => ("gif" in event.data ? encode(event.data) : compute(event.data));
