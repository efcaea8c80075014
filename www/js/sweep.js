// @ts-check
// The learning-rate sweep (#sweep): each shown optimizer's final loss at 61
// learning rates from 1e-5 to 10 (log-spaced, as `optiviz sweep` takes them),
// against its learning rate now (a ring) and its stability edge (dashed).
// Computed by the page's workers (pool.js) while the fold is open, again
// whenever something other than the learning rates changes; a click on the
// chart sets the learning rate of the optimizer whose line passes nearest.
// Cancel stops a sweep in progress; nothing is computed again until
// "Compute the sweep". "Tune each learning rate" sets every optimizer to its
// own best rate of the sweep (waiting for it, or computing it, first) as one
// edit, which "Undo the tuning" takes back.

import { $ } from "./dom.js";

/** @typedef {import("./pool.js").EntryOf<"sweep"> & { from: number }} SweepEntry */

const LRS = Array.from({ length: 61 }, (_, j) => (j === 0 ? 1e-5 : j === 60 ? 10 : Math.pow(10, -5 + (6 * j) / 60)));

/** @param {import("./context.js").Context} ctx */
export function build(ctx) {
  const { app } = ctx;
  const fold = $("sweep", HTMLDetailsElement);
  const canvas = $("sweep-chart", HTMLCanvasElement);
  const status = $("sweep-status");
  const progress = $("sweep-progress", HTMLProgressElement);
  const controls = $("sweep-controls");
  const cancel = $("sweep-cancel");
  const again = $("sweep-run");
  const tuneButton = $("sweep-tune", HTMLButtonElement);
  const undoButton = $("sweep-undo", HTMLButtonElement);
  const tuneStatus = $("tune-status");
  // A tuning asked for while the sweep is still being computed.
  let tuneWaiting = false;
  /** @type {string | null} */
  let key = null; // what the sweep shown was computed for
  let timer = 0;
  let cancelled = false; // by the user: no sweep until asked again

  // Cancel while computing; "Compute the sweep" once cancelled.
  /** @param {boolean} computing */
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

  /** @type {import("./pool.js").Job<SweepEntry> | null} */
  let job = null;

  // Forgets the sweep in progress (its answers still to come are dropped).
  function stop() {
    clearTimeout(timer);
    job?.cancel();
    job = null;
    app.clearSweep();
    progress.hidden = true;
    buttons(false);
  }

  function start() {
    stop();
    key = computedKey();
    const count = app.experiment().optimizers.length;
    const experiment = app.experimentJson();
    // A few learning rates per task, every optimizer's.
    /** @type {SweepEntry[]} */
    const tasks = [];
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < LRS.length; j += 8) tasks.push({ task: { kind: "sweep", experiment, optimizer: i, lrs: LRS.slice(j, j + 8) }, from: j });
    }
    if (!tasks.length) {
      status.textContent = "No optimizer to sweep: add one.";
      draw();
      return;
    }
    const lines = Array.from({ length: count }, () => ({ final: new Float64Array(LRS.length), diverged: new Uint8Array(LRS.length), done: 0 }));
    job = ctx.pool.start("sweep", {
      tasks,
      result({ task, from }, result) {
        if (!result) {
          stop();
          if (tuneWaiting) {
            tuneWaiting = false;
            tuneButton.disabled = false;
            tuneStatus.textContent = "Not tuned: the sweep could not be computed.";
          }
          status.textContent = "The sweep could not be computed: no such optimizer";
          return;
        }
        const line = lines[task.optimizer];
        result.final_loss.forEach((v, j) => { line.final[from + j] = v; });
        result.status.forEach((st, j) => { line.diverged[from + j] = st.state === "diverged" ? 1 : 0; });
        line.done += task.lrs.length;
        if (line.done === LRS.length) {
          app.setSweep(task.optimizer, new Float64Array(LRS), line.final, line.diverged);
          draw();
        }
        progress.value = job.progress();
      },
      done() {
        job = null;
        progress.hidden = true;
        buttons(false);
        status.textContent = `${LRS.length} learning rates from 1e-5 to 10 per optimizer, ${app.experiment().steps} steps each.`;
        if (tuneWaiting) tune();
      },
      failed({ message, worker }) {
        stop();
        if (tuneWaiting) {
          tuneWaiting = false;
          tuneButton.disabled = false;
          tuneStatus.textContent = "Not tuned: the sweep could not be computed.";
        }
        status.textContent = worker ? "The sweep could not be computed: a worker failed." : `The sweep could not be computed: ${message}`;
      },
    });
    progress.hidden = false;
    progress.value = 0;
    buttons(true);
    status.textContent = "Computing…";
  }

  // After any redraw: the marker follows the learning rates; anything else
  // changed recomputes the sweep (once the edits pause).
  /** @type {string | null} */
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
    // The workers stay while the fold is open, so a new sweep does not load
    // the engine again.
    ctx.pool.keep("sweep", fold.open);
    if (fold.open) check();
    else {
      // Closed: no work goes on behind it; it starts again when opened.
      if (tuneWaiting) {
        tuneWaiting = false;
        tuneButton.disabled = false;
        tuneStatus.textContent = "Tuning cancelled: no learning rate changed.";
      }
      stop();
      key = null;
      waiting = null;
      cancelled = false;
      buttons(false);
    }
  });
  // Each optimizer to its best rate, once the sweep is complete.
  function tune() {
    tuneWaiting = false;
    tuneButton.disabled = false;
    const names = app.experiment().optimizers.map((_, i) => ctx.messages.groupName(i));
    /** @type {string} */
    let message = "";
    if (!ctx.edit(() => { message = app.tune(names); })) {
      tuneStatus.textContent = "Not tuned: see the message.";
      return;
    }
    ctx.rebuild();
    ctx.draw.dynamic();
    tuneStatus.textContent = message;
    undoButton.hidden = false;
  }

  tuneButton.addEventListener("click", () => {
    undoButton.hidden = true;
    tuneStatus.textContent = "";
    if (job || waiting !== null || key !== computedKey()) {
      // The sweep first: computed (or finished) now, then the tuning.
      tuneWaiting = true;
      tuneButton.disabled = true;
      tuneStatus.textContent = "Tuning: waiting for the sweep…";
      if (!job) {
        // Asked for now: no need to wait for the edits to pause.
        waiting = null;
        cancelled = false;
        start();
      }
      return;
    }
    tune();
  });
  undoButton.addEventListener("click", () => {
    if (ctx.edit(() => app.undoTune())) {
      ctx.rebuild();
      ctx.draw.dynamic();
      tuneStatus.textContent = "The tuning is undone: every learning rate is as it was.";
    } else tuneStatus.textContent = "";
    undoButton.hidden = true;
    tuneButton.focus();
  });

  cancel.addEventListener("click", () => {
    if (tuneWaiting) {
      tuneWaiting = false;
      tuneButton.disabled = false;
      tuneStatus.textContent = "Tuning cancelled: no learning rate changed.";
    }
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
