// A network's landscape (function "mlp"): its loss over the plot's window of
// the plane, computed in Web Workers, coarse to fine (three grids, each
// drawn as it completes), while the plot shows the preview the engine made
// itself. A change of the experiment or the window cancels the work in
// progress and starts again once the edits pause; Cancel stops it and keeps
// the finest grid done, until "Compute in full" (or the next change).

import { $ } from "./dom.js";
import { engineModule, startWorker, WORKERS } from "./engine.js";

export function build(ctx) {
  const { app } = ctx;
  const box = $("landscape");
  const progress = $("landscape-progress");
  const status = $("landscape-status");
  const cancel = $("landscape-cancel");
  const again = $("landscape-run");
  let pool = [];
  const busy = new Set();
  let job = null; // {id, key, experiment, plane, view, levels, level, queue, values, done}
  let ids = 0;
  let wanted = null; // the key the page shows and the work is for
  let stopped = null; // the key the user cancelled
  let timer = 0;
  let module = null;

  function show(text, computing) {
    box.hidden = false;
    status.textContent = text;
    progress.hidden = !computing;
    cancel.hidden = !computing;
    again.hidden = computing || stopped === null;
  }

  function feed(w) {
    const part = job?.queue.shift();
    if (!part) return;
    busy.add(w);
    const [width, height] = job.levels[job.level];
    w.postMessage({
      urls: window.wasmUrls, module,
      job: { kind: "landscape", id: job.id, experiment: job.experiment, plane: job.plane, view: job.view, width, height, rows: part },
    });
  }

  // The rows of the current grid, a few per message.
  function queueLevel() {
    const [width, height] = job.levels[job.level];
    job.values = new Float64Array(width * height);
    job.done = 0;
    const slice = Math.max(1, Math.ceil(height / (WORKERS * 6)));
    job.queue = [];
    for (let r = 0; r < height; r += slice) job.queue.push([r, Math.min(height, r + slice)]);
  }

  function received(w, m) {
    busy.delete(w);
    if (!job || m.id !== job.id) {
      feed(w);
      return;
    }
    if (m.error) {
      stop();
      show(`The landscape could not be computed: ${m.error}`, false);
      return;
    }
    const [width, height] = job.levels[job.level];
    const [r0, r1] = m.job.rows;
    job.values.set(m.result, r0 * width);
    job.done += r1 - r0;
    const total = job.levels.reduce((s, [a, b]) => s + a * b, 0);
    const before = job.levels.slice(0, job.level).reduce((s, [a, b]) => s + a * b, 0);
    progress.value = (before + job.done * width) / total;
    if (job.done === height) {
      // A finished grid replaces the coarser one on the plot.
      if (app.setLandscape(job.key, width, height, job.values)) ctx.draw.surfaceOnly();
      if (job.level + 1 < job.levels.length) {
        job.level++;
        queueLevel();
        show(`Landscape: ${width} × ${height} done, computing ${job.levels[job.level].join(" × ")}…`, true);
        for (const other of pool) if (!busy.has(other)) feed(other);
      } else {
        job = null;
        const hadFocus = document.activeElement === cancel;
        show(`Landscape: ${width} × ${height} samples of the full-data loss.`, false);
        // The keyboard stays in the same place, not on a hidden button.
        if (hadFocus) status.focus();
        performance.mark("optiviz-landscape");
      }
      return;
    }
    feed(w);
  }

  function stop() {
    clearTimeout(timer);
    job = null;
    ids++;
  }

  async function start(spec) {
    stop();
    const id = ids;
    module = await engineModule().catch(() => null);
    if (id !== ids) return;
    job = { ...spec, id, level: 0 };
    performance.mark("optiviz-landscape-start");
    queueLevel();
    show(`Landscape: computing ${job.levels[0].join(" × ")}…`, true);
    progress.value = 0;
    while (pool.length < WORKERS) {
      pool.push(startWorker(received, () => {
        for (const w of pool) w.terminate();
        pool = [];
        busy.clear();
        stop();
        show("The landscape could not be computed: a worker failed.", false);
      }));
    }
    for (const w of pool) if (!busy.has(w)) feed(w);
  }

  // After any redraw: a network whose landscape (or window) changed starts
  // again once the edits pause; anything else lets the workers go.
  function check() {
    const key = app.landscapeKey();
    if (key === undefined) {
      if (wanted !== null) {
        stop();
        for (const w of pool) w.terminate();
        pool = [];
        busy.clear();
        wanted = stopped = null;
      }
      box.hidden = true;
      return;
    }
    if (key === wanted) return;
    wanted = key;
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
      // Cancel is shown once the job starts; the keyboard goes there.
      start(spec).then(() => { if (!cancel.hidden) cancel.focus(); });
    }
  });

  return { check, computing: () => job !== null };
}
