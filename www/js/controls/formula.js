// @ts-check
// "Your own function": the formula box with its error shown live under it
// (the offending column marked), the formula and its partial derivatives as
// mathematics, and a slider and box per parameter. The text is parsed and
// differentiated by the engine (checkFormula); nothing typed is ever run or
// put into the page as markup.

import { parameterRow } from "./fields.js";
import { setMath } from "../math.js";

let ids = 0;

// The formula editor for the typed function `fn` (the experiment's function
// object); `showFormula(mathml)` shows f in the card's formula line.
/** @param {import("../context.js").Context} ctx @param {(mathml: string) => void} showFormula */
export function formulaEditor(ctx, fn, showFormula) {
  const { app, draw } = ctx;
  const id = `formula-${++ids}`;
  const box = document.createElement("div");
  box.className = "formula-editor";

  const input = document.createElement("input");
  input.dataset.path = "function.expr";
  input.type = "text";
  input.id = id;
  input.value = fn.expr;
  input.maxLength = 500;
  input.spellcheck = false;
  input.autocomplete = "off";
  input.setAttribute("autocapitalize", "off");
  input.setAttribute("autocorrect", "off");
  input.className = "formula-input";
  const label = document.createElement("label");
  label.htmlFor = id;
  label.className = "formula-label";
  label.textContent = "f(x, y) =";
  const help = document.createElement("p");
  help.className = "about";
  help.id = `${id}-help`;
  help.textContent = "Numbers, x, y, + − * / ^, parentheses, pi, e and functions; any other name is a parameter with a slider below.";
  input.setAttribute("aria-describedby", help.id);
  const list = document.createElement("details");
  list.className = "about formula-functions";
  const summary = document.createElement("summary");
  summary.textContent = "The functions";
  const names = document.createElement("p");
  names.textContent = `${ctx.cat.typed.functions}. Example: (1 - x)^2 + b*(y - x^2)^2`;
  list.append(summary, names);

  const error = document.createElement("div");
  error.className = "field-error formula-error";
  error.id = `${id}-error`;
  error.setAttribute("role", "alert");
  error.hidden = true;

  const partials = document.createElement("dl");
  partials.className = "partials";
  partials.setAttribute("aria-label", "Partial derivatives");

  const params = document.createElement("div");
  params.className = "formula-params";

  const row = document.createElement("div");
  row.className = "formula-row";
  row.append(label, input);
  box.append(row, error, help, list, partials, params);

  // The engine's verdict on the text; the maths shown when it parses.
  function check(text) {
    const r = ctx.checkFormula(text);
    if (!r.ok) {
      showError(text, r);
      return false;
    }
    clearError();
    showFormula(r.f);
    showPartials(r);
    return true;
  }

  function showError(text, r) {
    const what = document.createElement("p");
    what.textContent = `Formula${r.column ? `, column ${r.column}` : ""}: ${r.message}`;
    error.replaceChildren(what);
    if (r.column) {
      // The text with the offending character marked, and a caret under it.
      const chars = [...text];
      const at = Math.min(r.column - 1, chars.length);
      const code = document.createElement("code");
      code.className = "formula-mark";
      const mark = document.createElement("mark");
      mark.textContent = chars[at] ?? " ";
      code.append(chars.slice(0, at).join(""), mark, chars.slice(at + 1).join(""));
      error.append(code);
    }
    error.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", `${error.id} ${help.id}`);
    box.closest(".card")?.classList.add("not-applied");
  }
  function clearError() {
    error.hidden = true;
    error.replaceChildren();
    input.removeAttribute("aria-invalid");
    input.setAttribute("aria-describedby", help.id);
    box.closest(".card")?.classList.remove("not-applied");
  }

  function showPartials(r) {
    partials.replaceChildren();
    for (const [name, markup, plain] of [["∂f/∂x", r.dfdx, r.dfdx_text], ["∂f/∂y", r.dfdy, r.dfdy_text]]) {
      const dt = document.createElement("dt");
      dt.textContent = `${name} =`;
      const dd = document.createElement("dd");
      if (markup) {
        setMath(dd, markup);
        dd.setAttribute("aria-label", plain);
      } else {
        dd.textContent = "too long to show";
      }
      partials.append(dt, dd);
    }
  }

  // A slider and an exact box per parameter.
  function renderParams() {
    const f = app.experiment().function;
    params.replaceChildren();
    for (const [name, value] of Object.entries(f.params ?? {})) {
      const span = Math.max(10, 2 * Math.abs(value));
      const range = { min: -span, max: span, step: span / 500 };
      params.append(parameterRow(ctx, name, value, range, `${name} (any number)`, `the parameter ${name} of your function`));
    }
  }

  // Applies the text once typing pauses; the box keeps the focus and caret.
  let timer = 0;
  function apply() {
    clearTimeout(timer);
    // A box taken off the page (the card rebuilt meanwhile) applies nothing.
    if (!input.isConnected) return;
    const text = input.value;
    if (!check(text)) return;
    if (text === app.experiment().function.expr) return;
    try {
      app.setFormula(text);
    } catch (e) {
      showError(text, { message: ctx.messages.problems(e)[0].message });
      return;
    }
    ctx.messages.clearError();
    renderParams();
    ctx.panels.sync();
    ctx.url.sync();
    draw.all(true);
  }
  input.addEventListener("input", () => {
    clearTimeout(timer);
    if (check(input.value)) timer = setTimeout(apply, 150);
  });
  input.addEventListener("change", apply);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") apply();
  });

  check(fn.expr);
  renderParams();
  return box;
}
