// The basin map (#basins): from which starts each optimizer reaches which
// minimum, and how soon. It is computed in Web Workers (one engine each, as
// many as the machine has cores, up to 16), a few rows of the grid per
// message, and drawn over the surface as the rows arrive, with a progress bar
// and a Cancel button; the page keeps answering meanwhile. A change to what
// is computed (not the view) cancels a map in progress and takes a finished
// one off the plot.

import { $ } from "./dom.js";
import { engineModule, startWorker, WORKERS } from "./engine.js";


export function build(ctx) {
  const { app } = ctx;
  const fold = $("basins");
  const select = $("basin-optimizer");
  const gridSelect = $("basin-grid");
  const run = $("basin-run");
  const cancel = $("basin-cancel");
  const progress = $("basin-progress");
  const status = $("basin-status");
  let pool = [];
  let job = null; // the map being computed or shown: {id, computed, optimizer, grid, view, outcome, steps, done}
  let ids = 0;

  function stopWorkers() {
    for (const w of pool) w.terminate();
    pool = [];
  }

  function fillOptimizers() {
    const exp = app.experiment();
    const keep = select.value;
    select.replaceChildren(...exp.optimizers.map((o, i) => new Option(`${i + 1}: ${app.statuses()[i]?.label ?? o.name}`, String(i))));
    if ([...select.options].some((o) => o.value === keep)) select.value = keep;
  }

  function showLegend() {
    const items = app.basinLegend().map(({ color, label }) => {
      const li = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = color;
      li.append(swatch, label);
      return li;
    });
    $("basin-legend").replaceChildren(...items);
  }

  // Only the path layer changes: the map's image is made once per update.
  function draw() {
    if (!job) return;
    app.setBasins(job.grid, job.view, job.outcome, job.steps);
    app.drawPaths();
  }

  // One frame's redraw for however many slices arrived in it.
  let pending = false;
  function drawSoon() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  }

  function finish(text) {
    stopWorkers();
    run.disabled = false;
    cancel.hidden = true;
    progress.hidden = true;
    status.textContent = text;
  }

  async function start() {
    stopWorkers();
    run.disabled = true;
    const module = await engineModule().catch(() => null);
    const i = Number(select.value);
    const grid = Number(gridSelect.value);
    const exp = app.experiment();
    // Only the chosen optimizer is mapped.
    const one = { ...exp, optimizers: [exp.optimizers[i]] };
    const view = app.viewWindow();
    const id = ++ids;
    job = {
      id, optimizer: i, grid, view, computed: app.computedQuery(),
      outcome: new Int32Array(grid * grid).fill(-3), steps: new Int32Array(grid * grid).fill(-1), done: 0,
    };
    const slice = Math.max(1, Math.floor(grid / (WORKERS * 8)));
    const queue = [];
    for (let r = 0; r < grid; r += slice) queue.push([r, Math.min(grid, r + slice)]);
    const experiment = JSON.stringify(one);
    const urls = window.wasmUrls;
    const next = (w) => {
      const rows = queue.shift();
      if (rows) w.postMessage({ urls, module, job: { kind: "basins", id, experiment, grid, view, rows } });
    };
    for (let k = 0; k < Math.min(WORKERS, queue.length); k++) {
      const received = (w, m) => {
        if (!job || m.id !== job.id) return;
        if (m.error) {
          finish(`The map could not be computed: ${m.error}`);
          return;
        }
        const [r0, r1] = m.job.rows;
        const { outcome, steps } = m.result.runs[0];
        job.outcome.set(outcome, r0 * grid);
        job.steps.set(steps.map((s) => (s === null ? -1 : s)), r0 * grid);
        job.done += r1 - r0;
        progress.value = job.done / grid;
        status.textContent = `${Math.round((100 * job.done) / grid)}% of ${grid} × ${grid} starts`;
        drawSoon();
        if (job.done >= grid) finish(`${grid} × ${grid} starts of ${select.selectedOptions[0].textContent}, ${exp.steps} steps each.`);
        else next(w);
      };
      const w = startWorker(received, (e) => finish(`The map could not be computed: ${e.message ?? "a worker failed"}`));
      pool.push(w);
      next(w);
    }
    showLegend();
    run.disabled = true;
    cancel.hidden = false;
    progress.hidden = false;
    progress.value = 0;
    status.textContent = `0% of ${grid} × ${grid} starts`;
    draw();
  }

  function clear(text = "") {
    stopWorkers();
    job = null;
    app.clearBasins();
    run.disabled = false;
    cancel.hidden = true;
    progress.hidden = true;
    status.textContent = text;
  }

  run.addEventListener("click", start);
  cancel.addEventListener("click", () => {
    clear("Cancelled.");
    ctx.draw.dynamic();
  });
  $("basin-clear").addEventListener("click", () => {
    clear();
    ctx.draw.dynamic();
  });
  fold.addEventListener("toggle", () => {
    if (fold.open) fillOptimizers();
  });

  // After any redraw: a map of an experiment that has changed since goes.
  function check() {
    // A network's plane moves with its runs: no map of starts on it.
    const network = app.isNetwork();
    if (run.disabled !== network && !job) {
      run.disabled = network;
      status.textContent = network ? "A network has no start to move: its runs begin at the initial weights, so there is no basin map. Change the initial weights' seed to see where another start goes." : "";
    }
    if (job && app.computedQuery() !== job.computed) {
      clear(job.done < job.grid ? "Cancelled: the experiment changed." : "Taken off: the experiment changed.");
      ctx.draw.dynamic();
    }
    if (fold.open && select.options.length !== app.experiment().optimizers.length) fillOptimizers();
  }

  return { check, running: () => pool.length > 0 };
}
