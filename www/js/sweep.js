// The learning-rate sweep (#sweep): each shown optimizer's final loss at 61
// learning rates from 1e-5 to 10 (log-spaced, as `optiviz sweep` takes them),
// against its learning rate now (a ring) and its stability edge (dashed).
// Computed in Web Workers while the fold is open, again whenever something
// other than the learning rates changes; a click on the chart sets the
// learning rate of the optimizer whose line passes nearest. Cancel stops a
// sweep in progress; nothing is computed again until "Compute the sweep".

import { $ } from "./dom.js";
import { engineModule, startWorker, WORKERS } from "./engine.js";

const LRS = Array.from({ length: 61 }, (_, j) => (j === 0 ? 1e-5 : j === 60 ? 10 : Math.pow(10, -5 + (6 * j) / 60)));

export function build(ctx) {
  const { app } = ctx;
  const fold = $("sweep");
  const canvas = $("sweep-chart");
  const status = $("sweep-status");
  const progress = $("sweep-progress");
  const controls = $("sweep-controls");
  const cancel = $("sweep-cancel");
  const again = $("sweep-run");
  let pool = [];
  let ids = 0;
  let key = null; // what the sweep shown was computed for
  let timer = 0;
  let cancelled = false; // by the user: no sweep until asked again

  // Cancel while computing; "Compute the sweep" once cancelled.
  function buttons(computing) {
    controls.hidden = !computing && !cancelled;
    cancel.hidden = !computing;
    again.hidden = computing || !cancelled;
  }

  // The experiment without what a sweep does not depend on: the learning
  // rates it varies, and what only changes the picture.
  function computedKey() {
    const exp = app.experiment();
    delete exp.view;
    for (const o of exp.optimizers) {
      delete o.lr;
      delete o.color;
      delete o.enabled;
    }
    return JSON.stringify(exp);
  }

  function size() {
    const dpr = devicePixelRatio || 1;
    const w = Math.max(200, Math.floor(canvas.clientWidth));
    const h = Math.max(120, Math.floor(canvas.clientHeight));
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
  }

  function draw() {
    if (!fold.open) return;
    size();
    app.drawSweep(canvas);
  }

  // Stops the workers and forgets what they were computing.
  // The workers stay while the fold is open, so a new sweep does not load
  // the engine again; each is busy with at most one slice at a time, and a
  // slice of an older sweep is answered but ignored.
  let sweep = null; // {id, experiment, queue, lines, done, total}
  const busy = new Set();

  let module = null; // the engine's compiled module, once there
  function feed(w) {
    const part = sweep?.queue.shift();
    if (!part) return;
    busy.add(w);
    const { id, experiment } = sweep;
    w.postMessage({ urls: window.wasmUrls, module, job: { kind: "sweep", id, experiment, optimizer: part.optimizer, from: part.from, lrs: part.lrs } });
  }

  function received(w, m) {
    busy.delete(w);
    if (!sweep || m.id !== sweep.id) {
      feed(w);
      return;
    }
    if (m.error || !m.result) {
      stop();
      status.textContent = `The sweep could not be computed: ${m.error ?? "no such optimizer"}`;
      return;
    }
    const line = sweep.lines[m.job.optimizer];
    m.result.final_loss.forEach((v, j) => { line.final[m.job.from + j] = v; });
    m.result.status.forEach((st, j) => { line.diverged[m.job.from + j] = st.state === "diverged" ? 1 : 0; });
    line.done += m.job.lrs.length;
    if (line.done === LRS.length) {
      app.setSweep(m.job.optimizer, new Float64Array(LRS), line.final, line.diverged);
      draw();
    }
    sweep.done++;
    progress.value = sweep.done / sweep.total;
    if (sweep.done === sweep.total) {
      sweep = null;
      progress.hidden = true;
      buttons(false);
      status.textContent = `${LRS.length} learning rates from 1e-5 to 10 per optimizer, ${app.experiment().steps} steps each.`;
    } else feed(w);
  }

  // Forgets the sweep in progress (its workers' answers are ignored).
  function stop() {
    clearTimeout(timer);
    sweep = null;
    ids++;
    app.clearSweep();
    progress.hidden = true;
    buttons(false);
  }

  // Stops and lets the workers go: nothing computes behind a closed fold.
  function release() {
    stop();
    for (const w of pool) w.terminate();
    pool = [];
    busy.clear();
  }

  async function start() {
    stop();
    key = computedKey();
    const id = ids;
    module = await engineModule().catch(() => null);
    // Something newer started or stopped the sweep meanwhile.
    if (id !== ids) return;
    const count = app.experiment().optimizers.length;
    // A few learning rates per message, every optimizer's.
    const queue = [];
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < LRS.length; j += 8) queue.push({ optimizer: i, from: j, lrs: LRS.slice(j, j + 8) });
    }
    if (!queue.length) {
      status.textContent = "No optimizer to sweep: add one.";
      draw();
      return;
    }
    const lines = Array.from({ length: count }, () => ({ final: new Float64Array(LRS.length), diverged: new Uint8Array(LRS.length), done: 0 }));
    sweep = { id: ids, experiment: app.experimentJson(), queue, lines, done: 0, total: queue.length };
    progress.hidden = false;
    progress.value = 0;
    buttons(true);
    status.textContent = "Computing…";
    while (pool.length < Math.min(WORKERS, queue.length)) {
      pool.push(
        startWorker(received, () => {
          release();
          status.textContent = "The sweep could not be computed: a worker failed.";
        }),
      );
    }
    for (const w of pool) if (!busy.has(w)) feed(w);
  }

  // After any redraw: the marker follows the learning rates; anything else
  // changed recomputes the sweep (once the edits pause).
  let waiting = null; // the key a restart is scheduled for
  function check() {
    if (!fold.open || cancelled) return;
    const now = computedKey();
    if (now !== key && now !== waiting) {
      // What was computed no longer holds: off at once, again once edits pause.
      stop();
      key = null;
      waiting = now;
      status.textContent = "Waiting for the edits to pause…";
      timer = setTimeout(() => {
        waiting = null;
        start();
      }, 250);
    }
    draw();
  }

  fold.addEventListener("toggle", () => {
    if (fold.open) check();
    else {
      // Closed: no work goes on behind it; it starts again when opened.
      release();
      key = null;
      waiting = null;
      cancelled = false;
      buttons(false);
    }
  });
  cancel.addEventListener("click", () => {
    stop();
    key = null;
    waiting = null;
    cancelled = true;
    buttons(false);
    status.textContent = "Sweep cancelled. Nothing is computed until you press Compute the sweep.";
    draw();
    again.focus();
  });
  again.addEventListener("click", () => {
    cancelled = false;
    // The button goes away: the keyboard stays in the fold.
    fold.querySelector("summary").focus();
    start();
  });
  canvas.addEventListener("click", (e) => {
    const r = canvas.getBoundingClientRect();
    const pick = app.sweepPick(e.clientX - r.left, e.clientY - r.top);
    if (!pick) return;
    const [i, lr] = pick;
    if (ctx.edit(() => app.set(`optimizers[${i}].lr`, lr))) {
      ctx.rebuild();
      ctx.draw.dynamic();
      ctx.messages.notice(`${ctx.messages.groupName(i)}: lr set to ${lr}`);
    }
  });

  return { check };
}
