// @ts-check
// "Record GIF" (#gif-panel): the animation from step 0 to the last as an
// animated GIF. The frames are drawn here, each its own task (the figure
// `optiviz render --step K` draws, from a copy of the engine taken when
// recording starts, so edits meanwhile change nothing in it); a Web Worker
// encodes them in Rust (GifEncoder). A progress bar, Cancel, and the page
// answering throughout.

import { $ } from "./dom.js";
import { engineModule, startWorker } from "./engine.js";

// Frames on their way to the worker at once, at most: each is w × h × 4 bytes.
const IN_FLIGHT = 4;
const SIZES = [[480, 360], [640, 480], [800, 600]];

/** @param {import("./context.js").Context} ctx */
export function build(ctx) {
  const { app } = ctx;
  const panel = $("gif-panel");
  const opener = $("record-gif");
  const sizeSelect = $("gif-size", HTMLSelectElement);
  const fpsSelect = $("gif-fps", HTMLSelectElement);
  const chartBox = $("gif-chart", HTMLInputElement);
  const run = $("gif-run");
  const cancel = $("gif-cancel");
  const progress = $("gif-progress", HTMLProgressElement);
  const status = $("gif-status");
  // The recording under way: {worker, cancelled}.
  let job = null;

  // The plot's size on screen first, then the fixed ones.
  function fillSizes() {
    const [w, h] = ctx.layout.plotSize();
    const keep = sizeSelect.value;
    const sizes = [[w, h], ...SIZES.filter(([a, b]) => a !== w || b !== h)];
    sizeSelect.replaceChildren(...sizes.map(([a, b], i) => new Option(`${a} × ${b}${i === 0 ? " (as on screen)" : ""}`, `${a}x${b}`)));
    sizeSelect.value = [...sizeSelect.options].some((o) => o.value === keep) ? keep : "640x480";
  }
  function open(on) {
    panel.hidden = !on;
    opener.setAttribute("aria-expanded", String(on));
    if (on) {
      fillSizes();
      sizeSelect.focus();
    }
  }
  opener.addEventListener("click", () => open(panel.hidden));
  $("gif-close").addEventListener("click", () => { stop("Cancelled."); open(false); opener.focus(); });

  // The engine's copy, at the experiment, theme and angle shown now.
  function snapshot() {
    const blank = () => document.createElement("canvas");
    const copy = new ctx.App(blank(), blank(), blank(), blank());
    copy.setExperiment(app.experiment());
    copy.setDark(matchMedia("(prefers-color-scheme: dark)").matches);
    const angle = app.reliefAngle();
    if (angle) copy.setRelief(angle[0], angle[1], angle[2]);
    return copy;
  }

  // One frame, drawn as the figure and read back as RGBA.
  async function frame(copy, canvas, step, chart) {
    const svg = copy.figureSvgAt(canvas.width, canvas.height, step, chart);
    const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
    try {
      const img = new Image();
      img.src = url;
      await img.decode();
      const g = canvas.getContext("2d", { willReadFrequently: true });
      g.clearRect(0, 0, canvas.width, canvas.height);
      g.drawImage(img, 0, 0, canvas.width, canvas.height);
      return new Uint8Array(g.getImageData(0, 0, canvas.width, canvas.height).data.buffer);
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  function stop(said) {
    if (!job) return;
    job.cancelled = true;
    job.worker.terminate();
    job.wake();
    job = null;
    done(said);
  }
  function done(said) {
    run.hidden = false;
    cancel.hidden = true;
    progress.hidden = true;
    status.textContent = said;
  }

  async function record() {
    if (job) return;
    const [w, h] = sizeSelect.value.split("x").map(Number);
    const fps = Number(fpsSelect.value);
    const chart = chartBox.checked;
    let copy;
    try {
      copy = snapshot();
    } catch (e) {
      status.textContent = `The GIF could not be started: ${e}`;
      return;
    }
    const steps = copy.animationSteps();
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    // The worker's answers, waited for in order.
    const answers = [];
    let waiting = null;
    const next = () => new Promise((ok) => {
      if (answers.length) ok(answers.shift());
      else waiting = ok;
    });
    const worker = startWorker((_, msg) => {
      if (waiting) { const ok = waiting; waiting = null; ok(msg); } else answers.push(msg);
    }, () => {
      const failed = { gif: "error", error: "the encoder stopped" };
      if (waiting) { const ok = waiting; waiting = null; ok(failed); } else answers.push(failed);
    });
    /** @param {import("./tasks.js").GifMessage} message @param {Transferable[]} [transfer] */
    const send = (message, transfer = []) => worker.postMessage(message, transfer);
    // Cancel wakes what waits for the worker.
    const me = { worker, cancelled: false, wake: () => waiting?.({ gif: "cancelled" }) };
    job = me;
    run.hidden = true;
    cancel.hidden = false;
    progress.hidden = false;
    progress.value = 0;
    // The bar follows every frame; the words (a live region) every tenth of the way.
    let told = -1;
    const say = (n) => {
      progress.value = n / steps.length;
      const tenth = Math.floor((10 * n) / steps.length);
      if (tenth === told) return;
      told = tenth;
      status.textContent = `Recording: frame ${n} of ${steps.length}…`;
    };
    say(0);
    try {
      // The last frame shows every colour to come: the palette is learned from it.
      const key = await frame(copy, canvas, steps[steps.length - 1], chart);
      const module = await engineModule().catch(() => undefined);
      if (me.cancelled) return;
      send({ urls: window.wasmUrls, module, gif: { kind: "start", width: w, height: h, fps, key: key.slice().buffer, exact: copy.pathColours().buffer } });
      const ready = await next();
      if (ready.gif !== "ready") throw ready.error;
      let sent = 0;
      let added = 0;
      for (const step of steps.slice(0, -1)) {
        const rgba = await frame(copy, canvas, step, chart);
        if (me.cancelled) return;
        send({ gif: { kind: "frame", rgba: rgba.buffer } }, [rgba.buffer]);
        sent++;
        while (sent - added >= IN_FLIGHT) {
          const msg = await next();
          if (msg.gif !== "added") throw msg.error;
          say(++added);
        }
        if (me.cancelled) return;
      }
      send({ gif: { kind: "frame", rgba: key.buffer } }, [key.buffer]);
      sent++;
      while (added < sent) {
        const msg = await next();
        if (msg.gif !== "added") throw msg.error;
        say(++added);
      }
      send({ gif: { kind: "finish" } });
      const out = await next();
      if (out.gif !== "done") throw out.error;
      if (me.cancelled) return;
      const a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([out.bytes], { type: "image/gif" }));
      a.download = "optiviz.gif";
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      job = null;
      worker.terminate();
      done(`Saved optiviz.gif: ${steps.length} frames of ${w} × ${h} at ${fps} frames a second (${(out.bytes.length / 1e6).toFixed(2)} MB).`);
    } catch (e) {
      if (me.cancelled) return;
      job = null;
      worker.terminate();
      done(`The GIF could not be made: ${e?.message ?? e}`);
    } finally {
      copy.free();
    }
  }
  run.addEventListener("click", record);
  cancel.addEventListener("click", () => { stop("Cancelled."); run.focus(); });

  return { open };
}
