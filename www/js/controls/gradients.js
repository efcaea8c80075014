// @ts-check
// The "Gradients and stopping" card (#gradients-body): the data (generated or
// pasted rows), batch size or gradient noise, accumulation, seed, L2, stop rules.

import { $ } from "../dom.js";
import { controlsIn, disable, isControl, lockField, lockGroup, lockNote } from "../lock.js";
import { controlIn, field, numberInput, optionalInput, randomSeed } from "./fields.js";

/** @param {import("../context.js").Context} ctx */
export function build(ctx) {
  const { app, edit, draw } = ctx;
  const card = $("gradients");
  const body = $("gradients-body");
  /** @type {(value: number, onCommit: (x: number) => void, what: string) => HTMLInputElement} */
  const numberIn = (value, onCommit, what) => numberInput(ctx, value, onCommit, what);
  /** @type {(value: unknown, path: string, what: string, placeholder?: string, redraw?: () => void) => HTMLInputElement} */
  const optionalIn = (value, path, what, placeholder, redraw) => optionalInput(ctx, value, path, what, placeholder, redraw);

  // Data, batch size or noise, accumulation, seed, L2 and the stopping rules.
  function render() {
    const exp = app.experiment();
    const def = ctx.cat.functions.find((f) => f.name === exp.function.name);
    const model = def.model;
    // Rows of x1, x2, y for two-feature least squares; of x, y otherwise.
    const two = model === "least_squares_2d";
    const shape = two ? "x1,x2,y" : "x,y";
    const box = body;
    // A rebuild (after a change to the data) keeps the keyboard focus where it was.
    const focused = box.contains(document.activeElement) ? document.activeElement.getAttribute("data-key") : null;
    box.replaceChildren();
    const after = () => { app.step = app.maxStep(); draw.all(); };
    // A network's rows are set in the Surface card; it has a batch size too.
    const batched = model || def.network;
    if (batched) {
      const rows = def.network ? app.info().rows : exp.function.data ? exp.function.data.x.length : exp.function.generate.n;
      if (model) {
      const head = document.createElement("p");
      head.className = "subhead";
      head.textContent = "Data";
      const source = document.createElement("select");
      source.dataset.path = "function.generate";
      source.add(new Option("Generated from a seed", "generate"));
      source.add(new Option(`Your own rows (${shape})`, "data"));
      source.value = exp.function.data ? "data" : "generate";
      source.addEventListener("change", () => {
        const ok = source.value === "data"
          ? edit(() => app.setData(app.dataCsv()), source)
          : edit(() => app.set("function.data", null), source);
        if (ok) { render(); after(); }
      });
      box.append(head, field("Rows", source));
      if (exp.function.generate) {
        const g = exp.function.generate;
        const grid = document.createElement("div");
        grid.className = "hyper";
        const names = {
          n: two ? "rows n" : "points n", w: "true w", b: "true b", w1: "true w1", w2: "true w2",
          rho: "correlation ρ", scale: "x2 scale", noise: "noise σ", seed: "data seed",
        };
        for (const spec of def.generate) {
          const input = numberIn(g[spec.name], (x) => app.set(`function.generate.${spec.name}`, x), `Data › ${names[spec.name]}`);
          input.dataset.path = `function.generate.${spec.name}`;
          // After the focus has moved on (Tab), so the rebuild can keep it there.
          input.addEventListener("change", () => {
            if (input.getAttribute("aria-invalid") !== "true") setTimeout(() => { render(); after(); }, 0);
          });
          grid.append(field(names[spec.name] ?? spec.name, input, `${spec.doc} (${spec.range})`));
        }
        const buttons = document.createElement("div");
        buttons.className = "row-buttons";
        const reroll = document.createElement("button");
        reroll.type = "button";
        reroll.textContent = "New data";
        reroll.title = "Draw the points again from a new seed";
        reroll.addEventListener("click", () => {
          if (edit(() => app.set("function.generate.seed", randomSeed()))) { render(); after(); }
        });
        buttons.append(reroll);
        box.append(grid, buttons);
      } else {
        const area = document.createElement("textarea");
        area.dataset.path = "function.data";
        area.value = app.dataCsv();
        area.spellcheck = false;
        const buttons = document.createElement("div");
        buttons.className = "row-buttons";
        const use = document.createElement("button");
        use.type = "button";
        use.textContent = "Use these rows";
        use.addEventListener("click", () => {
          if (edit(() => app.setData(area.value), area)) { render(); after(); }
        });
        buttons.append(use);
        const help = document.createElement("p");
        help.className = "about";
        const what = model === "logistic" ? "x, then y (0 or 1)" : two ? "x1, x2, then y" : "x, then y";
        help.textContent = `One row per line: ${what}, separated by a comma, semicolon, tab or space; a header line is fine. Up to 5000 rows.`;
        box.append(field(`${shape} rows`, area), buttons, help);
      }
      if (two) {
        // Standardizing applies to given and generated rows alike.
        const standardize = document.createElement("input");
        standardize.type = "checkbox";
        standardize.checked = exp.function.standardize === true;
        standardize.addEventListener("change", () => {
          if (edit(() => app.set("function.standardize", standardize.checked ? true : null), standardize)) after();
          else standardize.checked = !standardize.checked;
        });
        box.append(field("Standardize x1 and x2", standardize,
          "fit each feature rescaled to mean 0 and variance 1 (dividing by n): the scales no longer stretch the loss's bowl, though a correlation still tilts it"));
      }
      }
      // The rows are the function's (a teacher's link locks them with it).
      for (const el of box.children) el.setAttribute("data-part", "function");
      // Batch size: 1 … n, the right end being the full batch (B = n is batch GD).
      const slider = document.createElement("input");
      slider.type = "range";
      slider.min = "1";
      slider.max = String(rows);
      slider.step = "1";
      const current = exp.batch_size === undefined || exp.batch_size === "full" ? rows : exp.batch_size;
      slider.value = String(current);
      const out = document.createElement("output");
      out.className = "batch-out";
      const describe = (v) => v >= rows ? `full batch (${rows} rows): batch gradient descent`
        : v === 1 ? "1 row: stochastic gradient descent" : `${v} rows: mini-batch gradient descent`;
      out.textContent = describe(current);
      slider.setAttribute("aria-valuetext", describe(current));
      slider.addEventListener("input", () => {
        const v = Number(slider.value);
        if (edit(() => app.set("batch_size", v >= rows ? null : v), slider)) {
          out.textContent = describe(v);
          slider.setAttribute("aria-valuetext", describe(v));
          draw.dynamic();
        }
      });
      const row = document.createElement("div");
      row.className = "batch";
      row.dataset.path = "batch_size";
      row.append(field("Batch size", slider, "rows per gradient; a new shuffled order every epoch"), out);
      box.append(row);
    } else {
      const sigma = exp.grad_noise ?? 0;
      const slider = document.createElement("input");
      slider.type = "range";
      slider.min = "0";
      slider.max = "3";
      slider.step = "0.01";
      slider.value = String(Math.min(sigma, 3));
      const num = numberIn(sigma, (x) => app.set("grad_noise", x === 0 ? null : x), "Gradient noise σ");
      num.setAttribute("aria-label", "Gradient noise σ (exact)");
      slider.addEventListener("input", () => {
        const x = Number(slider.value);
        if (edit(() => app.set("grad_noise", x === 0 ? null : x), slider)) {
          num.value = String(x);
          draw.dynamic();
        }
      });
      const row = document.createElement("div");
      row.className = "slider-row";
      row.dataset.path = "grad_noise";
      row.append(field("Gradient noise σ", slider, "standard deviation of Gaussian noise added to each gradient coordinate"), num);
      box.append(row);
    }
    const grid = document.createElement("div");
    grid.className = "hyper";
    const seed = numberIn(exp.seed ?? 0, (x) => app.set("seed", x === 0 ? null : x), batched ? "Shuffle seed" : "Noise seed");
    seed.min = "0";
    seed.dataset.path = "seed";
    grid.append(
      field("Accumulate", optionalIn(exp.accumulate, "accumulate", "Accumulate", "1"), "micro-batches (or noisy gradients) averaged into each update"),
      field(batched ? "Shuffle seed" : "Noise seed", seed, batched ? "seeds the order of the rows in each epoch" : "seeds the gradient noise"),
      field("L2 λ", optionalIn(exp.l2, "l2", "L2 λ", "0", () => draw.all(true)), two
        ? "adds λ (w1² + w2²) to the loss, and so to the surface and every gradient"
        : def.network ? "adds λ‖θ‖² (the sum of every weight's square) to the loss, and so to the landscape and every gradient"
        : model ? "adds λ (w² + b²) to the loss, and so to the surface and every gradient" : "adds λ (x² + y²) to the surface and its gradient"),
    );
    const reroll = document.createElement("button");
    reroll.type = "button";
    reroll.textContent = "Reroll seed";
    reroll.addEventListener("click", () => {
      if (edit(() => app.set("seed", randomSeed()))) {
        seed.value = app.experiment().seed ?? 0;
        draw.dynamic();
      }
    });
    const buttons = document.createElement("div");
    buttons.className = "row-buttons";
    buttons.append(reroll);
    const stopHead = document.createElement("p");
    stopHead.className = "subhead";
    stopHead.textContent = "Stop when";
    const stop = exp.stop ?? {};
    const rules = document.createElement("div");
    rules.className = "hyper";
    rules.append(
      field("‖gradient‖ ≤", optionalIn(stop.grad_tol, "stop.grad_tol", "Stop › gradient norm"), "stop once the gradient the optimizer receives is this small"),
      field("loss change ≤", optionalIn(stop.loss_tol, "stop.loss_tol", "Stop › loss change"), "stop once the loss moved this little over the window"),
      field("over steps", optionalIn(stop.window, "stop.window", "Stop › window", "10"), "the window of the loss-change rule"),
      field("max steps", optionalIn(stop.max_steps, "stop.max_steps", "Stop › max steps"), "stop after this many steps"),
    );
    box.append(grid, buttons, stopHead, rules);
    box.querySelectorAll("input, select, textarea, button").forEach((el, i) => { el.setAttribute("data-key", `g${i}`); });
    const refocus = focused && box.querySelector(`[data-key="${focused}"]`);
    if (refocus instanceof HTMLElement) refocus.focus();
  }

  /** The control that edits `path` (`batch_size`, `stop.window`, a
   * generated dataset's key), if the card shows one. */
  const control = (path) => controlIn(body, path);

  /** Disables what a link locks of the card (lock.js): the rows with the
   * function, the rest with the sampling. @param {string[]} parts */
  function lock(parts) {
    const own = '[data-part="function"]';
    if (parts.includes("function")) {
      for (const el of body.querySelectorAll(own)) {
        if (isControl(el)) lockField(el);
        else if (controlsIn(el).length) lockGroup(el, el);
      }
    }
    if (parts.includes("sampling")) {
      for (const el of controlsIn(body)) {
        if (!el.closest(own)) disable(el);
      }
      lockNote(card.querySelector("legend"));
    }
  }

  return { render, control, lock };
}
