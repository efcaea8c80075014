// The Surface card: the function picker (#function), its formula, note and
// parameter sliders (or, for your own function, the formula editor), the
// window shown (#window-*), the start point (#start-x, #start-y) and #steps.

import { $ } from "../dom.js";
import { controlIn, numberFrom, parameterRow } from "./fields.js";
import { setMath } from "../math.js";
import { formulaEditor } from "./formula.js";
import { networkControls } from "./network.js";

export function build(ctx) {
  const { app, edit, draw } = ctx;
  const fnSelect = $("function");

  function fill() {
    for (const f of ctx.cat.functions) fnSelect.add(new Option(f.title, f.name));
  }
  function showStart() {
    const start = app.experiment().start;
    if (!start) return;
    $("start-x").value = start[0];
    $("start-y").value = start[1];
  }

  // The place of the network control that has the focus when an edit
  // rebuilds the card, to focus again once rebuilt.
  let refocus = null;
  const focusable = () => [...$("function-params").querySelectorAll("input, select, button, textarea")];
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
    const box = $("function-params");
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
    $("start-x").closest(".pair").hidden = network;
    $("start-note").hidden = !network;
    // The plot's hint and key say what can be done with it.
    $("key-start").textContent = ctx.relief.startKey();
    $("plot-hint").textContent = plotHint(network);
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
      $("start-x").value = exp.start[0];
      $("start-y").value = exp.start[1];
    }
    // Named as the plot's axes are: x and y, or a model's w and b.
    const axes = app.info().axes;
    $("start-x-name").textContent = `Start ${axes[0]}`;
    $("start-y-name").textContent = `Start ${axes[1]}`;
    $("window-x-name").textContent = `${axes[0]} from`;
    $("window-y-name").textContent = `${axes[1]} from`;
    $("window-x1").setAttribute("aria-label", `${axes[0]} to`);
    $("window-y1").setAttribute("aria-label", `${axes[1]} to`);
    $("steps").value = exp.steps;
    showWindow();
  }

  // What the plot answers to: moving the start (unless a network's, or a
  // teacher's link locks it) and the view (unless locked).
  function plotHint(network) {
    const start = !network && !ctx.lock.locked("start");
    const view = !ctx.lock.locked("view");
    const touch = matchMedia("(pointer: coarse)").matches;
    const moves = [
      start && (touch ? "tap the plot to move the start or drag the white handle" : "click the plot to move the start, drag the white handle"),
      view && (touch ? "scroll the page with one finger, pan and pinch to zoom with two" : "scroll to zoom, drag to pan"),
    ].filter(Boolean);
    const first = network ? "The white dot is θ0, the initial weights every optimizer starts from." : "";
    const locked = [!network && !start && "the start", !view && "the view"].filter(Boolean);
    const said = [
      first,
      moves.length ? `${moves.join("; ")}.` : "",
      locked.length ? `This link locks ${locked.join(" and ")}.` : "",
    ].filter(Boolean).join(" ");
    return said.charAt(0).toUpperCase() + said.slice(1);
  }

  // The window's ranges as the plot shows them (after a pan or zoom too),
  // except in a box being typed in.
  function showWindow() {
    const w = app.viewWindow();
    ["window-x0", "window-x1", "window-y0", "window-y1"].forEach((id, i) => {
      const input = $(id);
      if (document.activeElement !== input && input.getAttribute("aria-invalid") !== "true") {
        input.value = Number(w[i].toPrecision(6));
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
  for (const [id, idx] of [["start-x", 0], ["start-y", 1]]) {
    $(id).addEventListener("change", () => {
      const input = $(id);
      const ok = edit(() => {
        const s = app.experiment().start;
        s[idx] = numberFrom(input, `Start ${app.info().axes[idx]}`);
        app.set("start", s);
      }, input);
      if (ok) draw.dynamic();
    });
  }
  for (const id of ["window-x0", "window-x1", "window-y0", "window-y1"]) {
    $(id).addEventListener("change", () => {
      const input = $(id);
      const axes = app.info().axes;
      const names = { "window-x0": `Window ${axes[0]} from`, "window-x1": `Window ${axes[0]} to`, "window-y0": `Window ${axes[1]} from`, "window-y1": `Window ${axes[1]} to` };
      const ok = edit(() => {
        const w = ["window-x0", "window-x1", "window-y0", "window-y1"].map((k) => numberFrom($(k), names[k]));
        app.setWindow(w[0], w[1], w[2], w[3]);
      }, input);
      if (ok) {
        ctx.surface.render();
        draw.all(true);
      }
    });
  }
  $("steps").addEventListener("change", () => {
    const input = $("steps");
    if (edit(() => app.set("steps", numberFrom(input, "Steps")), input)) {
      app.step = app.maxStep();
      draw.dynamic();
    }
  });

  /** The control that edits `path` (`function.params.b`, `start[0]`, `steps`,
   * a network's key), if the card shows one; a typed function's window is
   * the card's window. */
  const control = (path) => controlIn($("surface-card"), path.replace(/^function\.view\b/, "view"));

  return { fill, render, showStart, showWindow, keepFocus, placeOf, control };
}
