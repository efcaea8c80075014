// The Surface card: the function picker (#function), its formula, note and
// parameter sliders, the start point (#start-x, #start-y) and #steps.

import { $ } from "../dom.js";
import { field, numberFrom, numberInput } from "./fields.js";

export function build(ctx) {
  const { app, edit, draw } = ctx;
  const fnSelect = $("function");

  function fill() {
    for (const f of ctx.cat.functions) fnSelect.add(new Option(f.title, f.name));
  }
  function showStart() {
    $("start-x").value = app.experiment().start[0];
    $("start-y").value = app.experiment().start[1];
  }

  function render() {
    const exp = app.experiment();
    const def = ctx.cat.functions.find((f) => f.name === exp.function.name);
    fnSelect.value = def.name;
    $("formula").innerHTML = def.formula;
    $("about").textContent = def.about;
    const box = $("function-params");
    box.replaceChildren();
    for (const p of def.params) {
      const value = exp.function.params[p.name];
      const lo = Number.isFinite(p.range.lo) ? p.range.lo : -10;
      const hi = Number.isFinite(p.range.hi) ? p.range.hi : 10;
      const step = (hi - lo) / 1000;
      const slider = document.createElement("input");
      slider.type = "range";
      // An open end is not allowed itself: stop one step inside it.
      slider.min = p.range.lo_inclusive ? lo : lo + step;
      slider.max = p.range.hi_inclusive ? hi : hi - step;
      slider.step = step;
      slider.value = value;
      slider.setAttribute("aria-label", p.name);
      const num = numberInput(ctx, value, (x) => app.set(`function.params.${p.name}`, x), `function parameter ${p.name}`);
      num.setAttribute("aria-label", `${p.name} (exact)`);
      slider.addEventListener("input", () => {
        if (edit(() => app.set(`function.params.${p.name}`, Number(slider.value)), slider)) {
          num.value = slider.value;
          draw.all(true);
        }
      });
      num.addEventListener("change", () => {
        if (num.getAttribute("aria-invalid") !== "true") {
          slider.value = num.value;
          draw.all(true);
        }
      });
      const row = document.createElement("div");
      row.className = "slider-row";
      row.append(field(`${p.name} (${p.range.text})`, slider, p.doc), num);
      box.append(row);
    }
    $("start-x").value = exp.start[0];
    $("start-y").value = exp.start[1];
    // Named as the plot's axes are: x and y, or a model's w and b.
    const axes = app.info().axes;
    $("start-x-name").textContent = `Start ${axes[0]}`;
    $("start-y-name").textContent = `Start ${axes[1]}`;
    $("steps").value = exp.steps;
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
  $("steps").addEventListener("change", () => {
    const input = $("steps");
    if (edit(() => app.set("steps", numberFrom(input, "Steps")), input)) {
      app.step = app.maxStep();
      draw.dynamic();
    }
  });

  return { fill, render, showStart };
}
