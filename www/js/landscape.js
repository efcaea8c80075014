// @ts-check
// A network's landscape (function "mlp"): its loss over the plot's window of
// the plane, computed by the page's workers (pool.js), coarse to fine (three
// grids, each drawn as it completes), while the plot shows the preview the
// engine made itself. A change of the experiment or the window cancels the
// work in progress and starts again once the edits pause; Cancel stops it
// and keeps the finest grid done, until "Compute in full" (or the next change).

import { $ } from "./dom.js";

/** @typedef {import("./pool.js").EntryOf<"landscape">} LandscapeEntry */
/**
 * What the engine says to compute (App.landscapeJob): the landscape's key,
 * the experiment, its plane and window, and the grids, coarse to fine.
 * @typedef {{ key: string, experiment: string, plane: number[], view: number[], levels: [number, number][] }} Spec
 */

/** @param {import("./context.js").Context} ctx */
export function build(ctx) {
  const { app } = ctx;
  const box = $("landscape");
  const progress = $("landscape-progress", HTMLProgressElement);
  const status = $("landscape-status");
  const cancel = $("landscape-cancel");
  const again = $("landscape-run");
  /** @type {import("./pool.js").Job<LandscapeEntry> | null} */
  let job = null;
  /** @type {string | null} */
  let wanted = null; // the key the page shows and the work is for
  /** @type {string | null} */
  let stopped = null; // the key the user cancelled
  let timer = 0;

  /** @param {string} text @param {boolean} computing */
  function show(text, computing) {
    box.hidden = false;
    status.textContent = text;
    progress.hidden = !computing;
    cancel.hidden = !computing;
    again.hidden = computing || stopped === null;
  }

  // The rows of a grid, a few per task.
  /** @param {Spec} spec @param {number} level @returns {LandscapeEntry[]} */
  function rowsOf(spec, level) {
    const [width, height] = spec.levels[level];
    const { experiment, plane, view } = spec;
    const slice = Math.max(1, Math.ceil(height / (ctx.pool.size * 6)));
    /** @type {LandscapeEntry[]} */
    const tasks = [];
    for (let r = 0; r < height; r += slice) {
      /** @type {[number, number]} */
      const rows = [r, Math.min(height, r + slice)];
      tasks.push({ task: { kind: "landscape", experiment, plane, view, width, height, rows }, weight: (rows[1] - rows[0]) * width });
    }
    return tasks;
  }

  function stop() {
    clearTimeout(timer);
    job?.cancel();
    job = null;
  }

  /** @param {Spec} spec */
  function start(spec) {
    stop();
    performance.mark("optiviz-landscape-start");
    let level = 0;
    // The grid being computed: its values and how many of its rows are in.
    let values = new Float64Array(spec.levels[0][0] * spec.levels[0][1]);
    let done = 0;
    job = ctx.pool.start("landscape", {
      tasks: rowsOf(spec, 0),
      // Every grid's samples: the bar goes once from empty to full.
      total: spec.levels.reduce((s, [a, b]) => s + a * b, 0),
      result({ task }, result) {
        const { width, height, rows: [r0, r1] } = task;
        values.set(result, r0 * width);
        done += r1 - r0;
        progress.value = job.progress();
        if (done < height) return;
        // A finished grid replaces the coarser one on the plot.
        if (app.setLandscape(spec.key, width, height, values)) ctx.draw.surfaceOnly();
        if (level + 1 < spec.levels.length) {
          level++;
          const [w, h] = spec.levels[level];
          values = new Float64Array(w * h);
          done = 0;
          show(`Landscape: ${width} × ${height} done, computing ${spec.levels[level].join(" × ")}…`, true);
          job.add(rowsOf(spec, level));
        }
      },
      done() {
        const [width, height] = spec.levels[level];
        job = null;
        const hadFocus = document.activeElement === cancel;
        show(`Landscape: ${width} × ${height} samples of the full-data loss.`, false);
        // The keyboard stays in the same place, not on a hidden button.
        if (hadFocus) status.focus();
        performance.mark("optiviz-landscape");
      },
      failed({ message, worker }) {
        stop();
        show(worker ? "The landscape could not be computed: a worker failed." : `The landscape could not be computed: ${message}`, false);
      },
    });
    show(`Landscape: computing ${spec.levels[0].join(" × ")}…`, true);
    progress.value = 0;
  }

  // After any redraw: a network whose landscape (or window) changed starts
  // again once the edits pause; anything else lets the workers go.
  function check() {
    const key = app.landscapeKey();
    if (key === undefined) {
      if (wanted !== null) {
        stop();
        ctx.pool.keep("landscape", false);
        wanted = stopped = null;
      }
      box.hidden = true;
      return;
    }
    if (key === wanted) return;
    wanted = key;
    // The workers stay while a network is shown: its next landscape needs them.
    ctx.pool.keep("landscape", true);
    // The plot's own preview of the new landscape at once: the paths are
    // already on the new plane and window.
    app.drawSurface(true);
    stop();
    if (stopped !== null) stopped = null;
    show("Landscape: waiting for the edits to pause…", true);
    progress.value = 0;
    // The job as the page is when the edits pause.
    timer = setTimeout(() => {
      const spec = app.landscapeJob();
      if (spec) {
        wanted = spec.key;
        start(spec);
      }
    }, 150);
  }

  cancel.addEventListener("click", () => {
    stop();
    stopped = wanted;
    show("Landscape stopped: the plot shows the finest grid computed so far.", false);
    again.focus();
  });
  again.addEventListener("click", () => {
    stopped = null;
    const spec = app.landscapeJob();
    if (spec) {
      wanted = spec.key;
      start(spec);
      // Cancel is shown once the job starts; the keyboard goes there.
      if (!cancel.hidden) cancel.focus();
    }
  });

  return { check, computing: () => job !== null };
}
