// @ts-check
// The Surface card: the function picker (#function), its formula, note and
// parameter sliders (or, for your own function, the formula editor), the
// window shown (#window-*), the start point (#start-x, #start-y) and #steps.

import { $ } from "../dom.js";
import { disableIn, lockField, lockGroup } from "../lock.js";
import { controlIn, numberFrom, parameterRow } from "./fields.js";
import { setMath } from "../math.js";
import { formulaEditor } from "./formula.js";
import { networkControls } from "./network.js";

/** @param {import("../context.js").Context} ctx */
export function build(ctx) {
  const { app, edit, draw } = ctx;
  const card = $("surface-card");
  const fnSelect = $("function", HTMLSelectElement);
  const params = $("function-params");
  const startX = $("start-x", HTMLInputElement);
  const startY = $("start-y", HTMLInputElement);
  const steps = $("steps", HTMLInputElement);
  const windowBox = card.querySelector(".window");
  const windowInputs = ["window-x0", "window-x1", "window-y0", "window-y1"].map((id) => $(id, HTMLInputElement));

  function fill() {
    for (const f of ctx.cat.functions) fnSelect.add(new Option(f.title, f.name));
  }
  function showStart() {
    const start = app.experiment().start;
    if (!start) return;
    startX.value = start[0];
    startY.value = start[1];
  }

  // The place of the network control that has the focus when an edit
  // rebuilds the card, to focus again once rebuilt.
  let refocus = null;
  const focusable = () => [...params.querySelectorAll("input, select, button, textarea")].filter((el) => el instanceof HTMLElement);
  // The place of a control among the card's, to come back to.
  const placeOf = (el) => focusable().indexOf(el);
  function keepFocus(el, fallback = -1) {
    // By its place among the card's controls (as the gradients card keeps
    // it); if the focus has left the card (a refused edit's rebuild took its
    // control away), back to the control at `fallback`.
    const at = placeOf(el);
    refocus = at >= 0 ? at : fallback >= 0 ? fallback : null;
  }

  function render() {
    const exp = app.experiment();
    const def = ctx.cat.functions.find((f) => f.name === exp.function.name);
    fnSelect.value = def.name;
    setMath($("formula"), def.formula);
    $("about").textContent = def.about;
    const box = params;
    box.replaceChildren();
    if (exp.function.expr !== undefined) {
      box.append(formulaEditor(ctx, exp.function, (mathml) => setMath($("formula"), mathml)));
    }
    if (def.network) {
      box.append(networkControls(ctx, exp.function, def.network));
      if (refocus !== null) focusable()[refocus]?.focus();
      refocus = null;
    }
    // A network starts at its initial weights, the plane's origin.
    const network = !!def.network;
    startX.closest(".pair").toggleAttribute("hidden", network);
    $("start-note").hidden = !network;
    // The plot's hint and key say what can be done with it.
    ctx.plot.showHints();
    for (const p of def.params) {
      const lo = Number.isFinite(p.range.lo) ? p.range.lo : -10;
      const hi = Number.isFinite(p.range.hi) ? p.range.hi : 10;
      const step = (hi - lo) / 1000;
      // An open end is not allowed itself: stop one step inside it.
      const min = p.range.lo_inclusive ? lo : lo + step;
      const max = p.range.hi_inclusive ? hi : hi - step;
      box.append(parameterRow(ctx, p.name, exp.function.params[p.name], { min, max, step }, `${p.name} (${p.range.text})`, p.doc));
    }
    if (exp.start) {
      startX.value = exp.start[0];
      startY.value = exp.start[1];
    }
    // Named as the plot's axes are: x and y, or a model's w and b.
    const axes = app.info().axes;
    $("start-x-name").textContent = `Start ${axes[0]}`;
    $("start-y-name").textContent = `Start ${axes[1]}`;
    $("window-x-name").textContent = `${axes[0]} from`;
    $("window-y-name").textContent = `${axes[1]} from`;
    windowInputs[1].setAttribute("aria-label", `${axes[0]} to`);
    windowInputs[3].setAttribute("aria-label", `${axes[1]} to`);
    steps.value = exp.steps;
    showWindow();
  }

  // The window's ranges as the plot shows them (after a pan or zoom too),
  // except in a box being typed in.
  function showWindow() {
    const w = app.viewWindow();
    windowInputs.forEach((input, i) => {
      if (document.activeElement !== input && input.getAttribute("aria-invalid") !== "true") {
        input.value = String(Number(w[i].toPrecision(6)));
      }
    });
  }

  fnSelect.addEventListener("change", () => {
    if (edit(() => app.setFunction(fnSelect.value), fnSelect)) {
      app.step = app.maxStep();
      ctx.rebuild();
      draw.all();
    }
  });
  [startX, startY].forEach((input, idx) => {
    input.addEventListener("change", () => {
      const ok = edit(() => {
        const s = app.experiment().start;
        s[idx] = numberFrom(input, `Start ${app.info().axes[idx]}`);
        app.set("start", s);
      }, input);
      if (ok) draw.dynamic();
    });
  });
  for (const input of windowInputs) {
    input.addEventListener("change", () => {
      const axes = app.info().axes;
      const names = [`Window ${axes[0]} from`, `Window ${axes[0]} to`, `Window ${axes[1]} from`, `Window ${axes[1]} to`];
      const ok = edit(() => {
        const w = windowInputs.map((box, k) => numberFrom(box, names[k]));
        app.setWindow(w[0], w[1], w[2], w[3]);
      }, input);
      if (ok) {
        ctx.surface.render();
        draw.all(true);
      }
    });
  }
  steps.addEventListener("change", () => {
    if (edit(() => app.set("steps", numberFrom(steps, "Steps")), steps)) {
      app.step = app.maxStep();
      draw.dynamic();
    }
  });

  /** The control that edits `path` (`function.params.b`, `start[0]`, `steps`,
   * a network's key), if the card shows one; a typed function's window is
   * the card's window. */
  const control = (path) => controlIn(card, path.replace(/^function\.view\b/, "view"));

  /** Disables what a link locks of the card (lock.js): the function where
   * it, the start or the view is locked (a new function takes its own
   * start and view), its parameters with it, the start, the steps and the
   * window. @param {string[]} parts */
  function lock(parts) {
    const has = (/** @type {string} */ p) => parts.includes(p);
    if (has("function") || has("start") || has("view")) lockField(fnSelect);
    if (has("function")) disableIn(params);
    if (has("start")) lockField(startX.closest(".pair"));
    if (has("steps")) lockField(steps);
    if (has("view")) lockGroup(windowBox, windowBox.querySelector(":scope > legend"));
  }

  return { fill, render, showStart, showWindow, keepFocus, placeOf, control, lock };
}
