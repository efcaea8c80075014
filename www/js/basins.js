// @ts-check
// The basin map (#basins): from which starts each optimizer reaches which
// minimum, and how soon. It is computed by the page's workers (pool.js: one
// engine each, as many as the machine has cores, up to 16), a few rows of
// the grid per task, and drawn over the surface as the rows arrive, with a
// progress bar and a Cancel button; the page keeps answering meanwhile. A
// change to what is computed (not the view) cancels a map in progress and
// takes a finished one off the plot.

import { $ } from "./dom.js";

/** @typedef {import("./pool.js").EntryOf<"basins">} BasinEntry */

/** @param {import("./context.js").Context} ctx */
export function build(ctx) {
  const { app } = ctx;
  const fold = $("basins", HTMLDetailsElement);
  const select = $("basin-optimizer", HTMLSelectElement);
  const gridSelect = $("basin-grid", HTMLSelectElement);
  const run = $("basin-run", HTMLButtonElement);
  const cancel = $("basin-cancel");
  const progress = $("basin-progress", HTMLProgressElement);
  const status = $("basin-status");
  const legend = $("basin-legend");
  /** @typedef {{computed: string | undefined, optimizer: number, grid: number, view: Float64Array, outcome: Int32Array, steps: Int32Array, done: number}} BasinMap */
  /** @type {BasinMap | null} the map being computed or shown */
  let map = null;
  /** @type {import("./pool.js").Job<BasinEntry> | null} */
  let job = null;

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
    legend.replaceChildren(...items);
  }

  // Only the path layer changes: the map's image is made once per update.
  function draw() {
    if (!map) return;
    app.setBasins(map.grid, map.view, map.outcome, map.steps);
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

  /** @param {string} text */
  function finish(text) {
    job?.cancel();
    job = null;
    run.disabled = false;
    cancel.hidden = true;
    progress.hidden = true;
    status.textContent = text;
  }

  function start() {
    job?.cancel();
    const i = Number(select.value);
    const grid = Number(gridSelect.value);
    const exp = app.experiment();
    // Only the chosen optimizer is mapped.
    const one = { ...exp, optimizers: [exp.optimizers[i]] };
    const view = app.viewWindow();
    const m = {
      optimizer: i, grid, view, computed: app.computedQuery(),
      outcome: new Int32Array(grid * grid).fill(-3), steps: new Int32Array(grid * grid).fill(-1), done: 0,
    };
    map = m;
    const slice = Math.max(1, Math.floor(grid / (ctx.pool.size * 8)));
    const experiment = JSON.stringify(one);
    /** @type {BasinEntry[]} */
    const tasks = [];
    for (let r = 0; r < grid; r += slice) {
      /** @type {[number, number]} */
      const rows = [r, Math.min(grid, r + slice)];
      tasks.push({ task: { kind: "basins", experiment, grid, view, rows }, weight: rows[1] - rows[0] });
    }
    job = ctx.pool.start("basins", {
      tasks,
      result({ task }, result) {
        const [r0, r1] = task.rows;
        const { outcome, steps } = result.runs[0];
        m.outcome.set(outcome, r0 * grid);
        m.steps.set(steps.map((s) => (s === null ? -1 : s)), r0 * grid);
        m.done += r1 - r0;
        progress.value = job.progress();
        status.textContent = `${Math.round((100 * m.done) / grid)}% of ${grid} × ${grid} starts`;
        drawSoon();
      },
      done: () => finish(`${grid} × ${grid} starts of ${select.selectedOptions[0].textContent}, ${exp.steps} steps each.`),
      failed: ({ message }) => finish(`The map could not be computed: ${message}`),
    });
    showLegend();
    run.disabled = true;
    cancel.hidden = false;
    progress.hidden = false;
    progress.value = 0;
    status.textContent = `0% of ${grid} × ${grid} starts`;
    draw();
  }

  function clear(text = "") {
    job?.cancel();
    job = null;
    map = null;
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
    if (run.disabled !== network && !map) {
      run.disabled = network;
      status.textContent = network ? "A network has no start to move: its runs begin at the initial weights, so there is no basin map. Change the initial weights' seed to see where another start goes." : "";
    }
    if (map && app.computedQuery() !== map.computed) {
      clear(map.done < map.grid ? "Cancelled: the experiment changed." : "Taken off: the experiment changed.");
      ctx.draw.dynamic();
    }
    if (fold.open && select.options.length !== app.experiment().optimizers.length) fillOptimizers();
  }

  return { check, running: () => job?.active() ?? false };
}
