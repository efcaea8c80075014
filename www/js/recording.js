// @ts-check
// "Record GIF" (#gif-panel): the animation from step 0 to the last as an
// animated GIF. The figures' worker (figures.js) draws each frame as SVG
// (the figure `optiviz render --step K` draws, of the experiment as it was
// when recording started, so edits meanwhile change nothing in it) and
// encodes the frames; the page only rasterizes them, each its own task. A
// progress bar, Cancel, and the page answering throughout.

import { $ } from "./dom.js";
import { FigureWorker, rasterize, shown } from "./figures.js";

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

  function stop(said) {
    if (!job) return;
    job.cancelled = true;
    job.worker.stop();
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
    const worker = new FigureWorker();
    const me = { worker, cancelled: false };
    job = me;
    run.hidden = true;
    cancel.hidden = false;
    progress.hidden = false;
    progress.value = 0;
    status.textContent = "Recording: starting…";
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    // A frame's SVG (drawn in the worker) rasterized here, as RGBA.
    const rgba = async (/** @type {Promise<string>} */ svg) => {
      const g = await rasterize(await svg, canvas);
      return new Uint8Array(g.getImageData(0, 0, w, h).data.buffer);
    };
    try {
      // The experiment, theme and angle shown now: edits meanwhile change
      // nothing in the recording.
      const { steps, colours } = await worker.open(...shown(ctx));
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
      // The last frame shows every colour to come: the palette is learned from it.
      const svg = (step) => worker.svg(w, h, step, chart);
      const key = await rgba(svg(steps[steps.length - 1]));
      await worker.ask({ kind: "start", width: w, height: h, fps, key: key.slice().buffer, exact: colours }, "ready");
      // The worker draws the next frame's SVG while this one is rasterized;
      // at most IN_FLIGHT frames wait to be encoded.
      const added = [];
      let addedN = 0;
      const rest = steps.slice(0, -1);
      let next = rest.length ? svg(rest[0]) : null;
      for (let i = 0; i < rest.length; i++) {
        const now = next;
        next = i + 1 < rest.length ? svg(rest[i + 1]) : null;
        const frame = await rgba(now);
        added.push(worker.ask({ kind: "frame", rgba: frame.buffer }, "added", [frame.buffer]));
        while (added.length >= IN_FLIGHT) {
          await added.shift();
          say(++addedN);
        }
      }
      added.push(worker.ask({ kind: "frame", rgba: key.buffer }, "added", [key.buffer]));
      for (const a of added) {
        await a;
        say(++addedN);
      }
      const { bytes } = await worker.ask({ kind: "finish" }, "done");
      if (me.cancelled) return;
      const a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([bytes], { type: "image/gif" }));
      a.download = "optiviz.gif";
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      job = null;
      worker.stop();
      done(`Saved optiviz.gif: ${steps.length} frames of ${w} × ${h} at ${fps} frames a second (${(bytes.length / 1e6).toFixed(2)} MB).`);
    } catch (e) {
      if (me.cancelled) return;
      job = null;
      worker.stop();
      done(`The GIF could not be made: ${e?.message ?? e}`);
    }
  }
  run.addEventListener("click", record);
  cancel.addEventListener("click", () => { stop("Cancelled."); run.focus(); });

  return { open };
}
