// @ts-check
// "Write your own": a typed rule's part of its card. Its name in the legend,
// a template to start from, the rule box read as you type (the error beside
// it names the line and column, marks the place and moves the caret there),
// the rule as mathematics, and the state variables and numbers it declares
// (each number with a slider and an exact box). The engine reads the rule
// (checkRule) and runs it; nothing typed is ever run as script or put into
// the page as markup. While the box, a name or a number holds an error, the
// last rule that read stays in force, and what was typed is kept when the
// cards are built again.

import { clearInvalid, field, helpButton, markInvalid, setting } from "./fields.js";
import { setMath } from "../math.js";

/** @typedef {{name: string, value: string}} Row */
/** @typedef {{label: string, update: string, state: Row[], hyper: Row[]}} Draft */

// What a card holds that the engine does not have yet, by optimizer index:
// the draft, and the engine's rule it was written over (a rule changed
// since, by a link, a lesson or a scenario, drops it).
/** @type {Map<number, {base: string, draft: Draft}>} */
const drafts = new Map();
// The open cards' pending reads, run at once by `flushRules`.
/** @type {Map<number, () => void>} */
const pending = new Map();

// First names offered for a new row, and a new number's first value.
const STATE_NAMES = ["m", "v", "s", "u", "w", "z"];
const NUMBERS = { mu: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8, alpha: 0.99, rho: 0.9 };

/** The engine's rule in an optimizer's entry, for telling whether it
 * changed (its names in any order: the engine keeps them sorted). */
const sorted = (obj) => Object.entries(obj ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const ruleKey = (o) => JSON.stringify([o.label ?? "", o.update, sorted(o.hyper), sorted(o.state)]);

/** A draft of the engine's rule, as the boxes show it. @returns {Draft} */
function draftOf(o) {
  const rows = (obj) => Object.entries(obj ?? {}).map(([name, v]) => ({ name, value: String(v).replace("e+", "e") }));
  return { label: o.label ?? "", update: o.update, state: rows(o.state), hyper: rows(o.hyper) };
}

/** Card `i` removed: the drafts of the cards after it move up with them. @param {number} i */
export function forgetDraft(i) {
  const moved = [...drafts].filter(([k]) => k > i);
  drafts.delete(i);
  for (const [k, d] of moved) {
    drafts.delete(k);
    drafts.set(k - 1, d);
  }
}

/** Reads every rule box that waits to be read, now ("Check my rule" checks what is typed). */
export function flushRules() {
  for (const read of [...pending.values()]) read();
}

/** Whether card `i` holds a rule that does not read (the engine runs the last that did). @param {number} i */
export const holdsError = (i) => drafts.has(i);

/** A number as typed, or null when it is none. @param {string} text */
function numberIn(text) {
  const t = text.trim();
  const x = Number(t);
  return t === "" || !Number.isFinite(x) ? null : x;
}

/** Where a number's slider runs: [0, 1] for a value in it (an average's
 * weight), else logarithmic three decades either side of a positive value,
 * or a span around a negative one. @param {number} v */
function scaleFor(v) {
  if (v >= 0 && v < 1 && (v === 0 || v >= 1e-3)) return { log: false, min: 0, max: 1, step: 0.001 };
  if (v > 0) {
    const c = Math.log10(v);
    return { log: true, min: Math.floor(c) - 3, max: Math.ceil(c) + 3, step: 0.01 };
  }
  const span = Math.max(1, 2 * Math.abs(v));
  return { log: false, min: -span, max: span, step: span / 500 };
}

/** The UTF-16 offset in `text` of line `line`, column `column` (both from
 * 1, the column in characters, as the engine counts them). */
function offsetOf(text, line, column) {
  const lines = text.split("\n");
  let at = 0;
  for (let k = 0; k < line - 1 && k < lines.length; k++) at += lines[k].length + 1;
  const chars = [...(lines[line - 1] ?? "")];
  return at + chars.slice(0, Math.max(0, column - 1)).join("").length;
}

/**
 * The rule's part of card `i` (optimizer entry `o`); `showLr(lr)` sets the
 * card's learning-rate controls to a rate a template brought. Nothing is
 * cut short as it is typed: a rule or a name too long is said so, kept.
 * @param {import("../context.js").Context} ctx
 * @param {number} i
 * @param {(lr: number) => void} showLr
 */
export function ruleEditor(ctx, o, i, showLr) {
  const { app } = ctx;
  const cat = ctx.cat.rule;
  const box = document.createElement("div");
  box.className = "rule-editor";
  const kept = drafts.get(i);
  if (kept && kept.base !== ruleKey(o)) drafts.delete(i);
  /** @type {Draft} */
  const start = drafts.get(i)?.draft ?? draftOf(o);

  // Its name in the legend.
  const label = document.createElement("input");
  label.type = "text";
  label.placeholder = "rule";
  label.value = start.label;
  label.spellcheck = false;
  box.append(setting("label", field("Name in the legend", label, `what the legend and the inspector call this rule (up to ${cat.max_label} characters; empty: rule)`)));

  // A template to start from.
  const pick = document.createElement("select");
  pick.add(new Option("Start from a template…", ""));
  for (const t of cat.templates) pick.add(new Option(t.title, t.id));
  const picked = document.createElement("p");
  picked.className = "about template-note";
  picked.setAttribute("role", "status");
  box.append(field("Template", pick, "a classic optimizer written out as a rule, with its numbers and state, to run as it is or change; one with a built-in twin takes the twin's steps"), picked);

  // The rule box.
  const area = document.createElement("textarea");
  area.rows = 6;
  area.value = start.update;
  area.spellcheck = false;
  area.autocomplete = "off";
  area.setAttribute("wrap", "off");
  area.setAttribute("autocapitalize", "off");
  area.setAttribute("autocorrect", "off");
  area.className = "rule-input";
  const doc = `one assignment per line (or separated by ;), run in order at every step, each line over every coordinate before the next. The left side is theta or a state variable. Per coordinate: g (the gradient, after clipping and weight decay), theta and each state variable; the same for all: lr (the rate in force), t (the step, from 1), loss and each number below. Functions: ${ctx.cat.typed.functions}, sign; over all coordinates: norm, sum, mean. # starts a comment.`;
  const ruleField = setting("update", field("Update rule", area, doc));
  const about = document.createElement("p");
  about.className = "about";
  about.textContent = "One assignment a line, such as v = mu*v + g, then theta = theta - lr*v; g is the gradient, t the step from 1.";
  area.before(about);
  const math = document.createElement("div");
  math.className = "rule-math";
  const mathNote = document.createElement("p");
  mathNote.className = "about rule-math-note";
  box.append(ruleField, math, mathNote);
  // In a lesson that has the reader write this rule, its check is here too
  // (on a phone the lesson's own button is a long way up).
  if (ctx.lessons?.ruleToCheck() === i) {
    const check = document.createElement("button");
    check.type = "button";
    check.className = "rule-check";
    check.textContent = "Check my rule (lesson)";
    check.addEventListener("click", () => ctx.lessons.checkHere());
    box.append(check);
  }

  // The state and the numbers it declares.
  const stateRows = document.createElement("div");
  stateRows.className = "rule-rows";
  const hyperRows = document.createElement("div");
  hyperRows.className = "rule-rows";
  const addState = document.createElement("button");
  addState.type = "button";
  addState.textContent = "Add a state variable";
  const addHyper = document.createElement("button");
  addHyper.type = "button";
  addHyper.textContent = "Add a number";
  // Each table: its heading, the names of its columns (while it has a
  // row), its rows and its Add button.
  const table = (title, help, rows, add, key, columns) => {
    const part = document.createElement("fieldset");
    part.className = "rule-table";
    const legend = document.createElement("legend");
    legend.textContent = title;
    const holder = document.createElement("div");
    holder.className = "field-top";
    holder.append(legend, helpButton(title.toLowerCase(), help, part));
    const head = document.createElement("div");
    head.className = "rule-row rule-head";
    head.setAttribute("aria-hidden", "true");
    head.append(...columns.map((c) => Object.assign(document.createElement("span"), { textContent: c })));
    part.append(holder, head, rows, add);
    return setting(key, part);
  };
  box.append(
    table("State", "each state variable the rule keeps per coordinate, with the value it starts from; the inspector shows it before and after each step", stateRows, addState, "state", ["name", "first value"]),
    table("Numbers", "named numbers the rule reads (its hyperparameters), the same for every coordinate; each has a slider and an exact box", hyperRows, addHyper, "hyper", ["name", "value"]),
  );

  /** A text box of the tables: a name, or (`decimal`) a number typed exactly. */
  function input(value, label, decimal) {
    const box = document.createElement("input");
    box.type = "text";
    box.value = value;
    box.className = decimal ? "rule-value" : "rule-name";
    if (decimal) box.inputMode = "decimal";
    else box.spellcheck = false;
    box.setAttribute("aria-label", label);
    return box;
  }
  const nameInput = (value, label) => input(value, label, false);
  const numberInput = (value, label) => input(value, label, true);

  /** The state row `r` (index k). */
  function stateRow(r, k) {
    const row = document.createElement("div");
    row.className = "rule-row state-row";
    const nameBox = nameInput(r.name, `State variable ${k + 1}: name`);
    const valueBox = numberInput(r.value, `State variable ${k + 1}: first value`);
    const remove = removeButton(`Remove state variable ${k + 1}`, () => {
      row.remove();
      renumber();
      read();
    });
    nameBox.addEventListener("input", later);
    valueBox.addEventListener("input", later);
    row.append(nameBox, valueBox, remove);
    return row;
  }

  /** The number row `r` (index k): its name, a slider and an exact box. */
  function hyperRow(r, k) {
    const row = document.createElement("div");
    row.className = "rule-row hyper-row";
    const nameBox = nameInput(r.name, `Number ${k + 1}: name`);
    const exact = numberInput(r.value, `Number ${k + 1}: value (exact)`);
    const slider = document.createElement("input");
    slider.type = "range";
    slider.setAttribute("aria-label", `Number ${k + 1}: value`);
    // The slider's scale is chosen once, from the value it starts at, so it
    // does not move under the hand.
    const scale = scaleFor(numberIn(r.value) ?? 0.5);
    Object.assign(slider, { min: String(scale.min), max: String(scale.max), step: String(scale.step) });
    const place = (x) => {
      slider.value = String(scale.log ? (x > 0 ? Math.log10(x) : scale.min) : x);
      slider.setAttribute("aria-valuetext", String(x));
    };
    place(numberIn(r.value) ?? 0);
    slider.addEventListener("input", () => {
      const s = Number(slider.value);
      const x = scale.log ? Number(Math.pow(10, s).toPrecision(3)) : Number(s.toFixed(6));
      exact.value = String(x).replace("e+", "e");
      slider.setAttribute("aria-valuetext", exact.value);
      slid(nameBox.value.trim(), x);
    });
    exact.addEventListener("input", () => {
      const x = numberIn(exact.value);
      if (x !== null) place(x);
      later();
    });
    nameBox.addEventListener("input", later);
    const remove = removeButton(`Remove number ${k + 1}`, () => {
      row.remove();
      renumber();
      read();
    });
    row.append(nameBox, exact, remove, slider);
    return row;
  }

  function removeButton(text, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "remove-row";
    b.textContent = "×";
    b.setAttribute("aria-label", text);
    b.title = text;
    b.addEventListener("click", onClick);
    return b;
  }

  // Rows say what they edit (a problem the engine finds goes beside its
  // row), and their labels follow their places.
  function renumber() {
    const mark = (rows, key, what) => {
      [...rows.children].forEach((row, k) => {
        const nm = /** @type {HTMLInputElement} */ (row.querySelector(".rule-name")).value.trim();
        const el = /** @type {HTMLElement} */ (row);
        el.dataset.setting = `${key}.${nm}`;
        el.dataset.path = `optimizers[${i}].${key}.${nm}`;
        const [n, v, r] = [...row.querySelectorAll("input:not([type=range]), .remove-row")];
        n.setAttribute("aria-label", `${what} ${k + 1}: name`);
        v.setAttribute("aria-label", `${what} ${k + 1}: ${key === "state" ? "first value" : "value (exact)"}`);
        r.setAttribute("aria-label", `Remove ${what.toLowerCase()} ${k + 1}${nm ? ` (${nm})` : ""}`);
        row.querySelector("input[type=range]")?.setAttribute("aria-label", `${what} ${k + 1}: value`);
      });
    };
    mark(stateRows, "state", "State variable");
    mark(hyperRows, "hyper", "Number");
    addState.disabled = stateRows.children.length >= cat.max_names;
    addHyper.disabled = hyperRows.children.length >= cat.max_names;
  }

  /** @param {Draft} d */
  function fill(d) {
    label.value = d.label;
    area.value = d.update;
    stateRows.replaceChildren(...d.state.map(stateRow));
    hyperRows.replaceChildren(...d.hyper.map(hyperRow));
    renumber();
  }

  /** The rows' names and values as typed. @param {HTMLElement} rows @returns {Row[]} */
  const rowsOf = (rows) => [...rows.children].map((row) => {
    const [n, v] = row.querySelectorAll("input:not([type=range])");
    return { name: /** @type {HTMLInputElement} */ (n).value, value: /** @type {HTMLInputElement} */ (v).value };
  });
  /** @returns {Draft} */
  const current = () => ({ label: label.value, update: area.value, state: rowsOf(stateRows), hyper: rowsOf(hyperRows) });

  const engineEntry = () => app.experiment().optimizers[i];

  // The rule's error beside the box: what and where, the place marked,
  // and a button that puts the caret there.
  /** @type {HTMLElement | null} */
  let ruleError = null;
  function showRuleError(text, r) {
    // The same error stays the same element (its button may be under the
    // pointer as the box, losing the focus to it, is read again).
    const key = JSON.stringify([r.line, r.column, r.message, r.line ? text.split("\n")[r.line - 1] : ""]);
    if (ruleError?.dataset.key === key) return;
    clearRuleError();
    ruleError = document.createElement("div");
    ruleError.dataset.key = key;
    ruleError.className = "field-error rule-error";
    ruleError.setAttribute("role", "alert");
    ruleError.id = `rule-error-${i}`;
    const what = document.createElement("p");
    const where = r.line ? `Line ${r.line}${r.column ? `, column ${r.column}` : ""}: ` : "The rule ";
    what.textContent = `${where}${r.message}`;
    ruleError.append(what);
    if (r.line) {
      const chars = [...(text.split("\n")[r.line - 1] ?? "")];
      const code = document.createElement("code");
      code.className = "formula-mark";
      if (r.column) {
        const at = Math.min(r.column - 1, chars.length);
        const mark = document.createElement("mark");
        mark.textContent = chars[at] ?? " ";
        code.append(chars.slice(0, at).join(""), mark, chars.slice(at + 1).join(""));
      } else {
        code.append(chars.join(""));
      }
      const go = document.createElement("button");
      go.type = "button";
      go.className = "link-button";
      go.textContent = `Go to line ${r.line}${r.column ? `, column ${r.column}` : ""}`;
      go.addEventListener("click", () => {
        const at = offsetOf(area.value, r.line, r.column ?? 1);
        area.focus();
        area.setSelectionRange(at, r.column ? at + 1 : at);
      });
      ruleError.append(code, go);
    }
    ruleField.after(ruleError);
    area.setAttribute("aria-invalid", "true");
    area.setAttribute("aria-describedby", ruleError.id);
  }
  function clearRuleError() {
    ruleError?.remove();
    ruleError = null;
    area.removeAttribute("aria-invalid");
    area.removeAttribute("aria-describedby");
  }

  // The rule as mathematics: the one that reads, or the last that did,
  // said to be still in force.
  let shown = "";
  function showMath(r, stale) {
    const key = r.mathml ?? r.text.join("\n");
    if (key !== shown) {
      shown = key;
      if (r.mathml) setMath(math, r.mathml);
      else math.replaceChildren(...r.text.map((line) => Object.assign(document.createElement("div"), { textContent: line })));
      math.setAttribute("aria-label", r.text.join("; "));
    }
    math.classList.toggle("stale", stale);
    mathNote.textContent = stale ? "The last rule that read, still in force: the paths follow it until the box reads again." : "";
  }

  // Each number, name and the rule checked, each problem beside its box;
  // the engine's reading of the rule, and whether all of it reads.
  function verdict(d) {
    let fine = true;
    const mark = (input, message) => {
      if (message) {
        markInvalid(input, message);
        fine = false;
      } else if (input.getAttribute("aria-invalid") === "true") clearInvalid(input);
    };
    const r = ctx.checkRule(d.update, d.state.map((s) => s.name), d.hyper.map((h) => h.name));
    const rows = (holder, list, problems, what) => [...holder.children].forEach((row, k) => {
      const [n, v] = /** @type {NodeListOf<HTMLInputElement>} */ (row.querySelectorAll("input:not([type=range])"));
      const nm = list[k].name.trim();
      mark(n, problems[k] && `${what} ${k + 1}: ${problems[k]}`);
      mark(v, numberIn(list[k].value) === null ? `${what} ${k + 1}${nm ? ` (${nm})` : ""}: "${list[k].value.trim()}" is not a number; type one such as 0.9` : null);
    });
    rows(stateRows, d.state, r.state, "State variable");
    rows(hyperRows, d.hyper, r.hyper, "Number");
    if (r.ok) clearRuleError();
    else {
      fine = false;
      showRuleError(d.update, r);
    }
    return { r, fine };
  }

  // The engine's rule, read: what runs.
  const inForce = () => {
    const e = engineEntry();
    return ctx.checkRule(e.update, Object.keys(e.state ?? {}), Object.keys(e.hyper ?? {}));
  };

  // The entry a draft makes of the engine's, with a learning rate if given.
  function entryOf(d, lr) {
    const entry = { ...engineEntry() };
    if (d.label.trim()) entry.label = d.label.trim();
    else delete entry.label;
    entry.update = d.update;
    entry.hyper = Object.fromEntries(d.hyper.map((h) => [h.name.trim(), numberIn(h.value)]));
    entry.state = Object.fromEntries(d.state.map((s) => [s.name.trim(), numberIn(s.value)]));
    if (lr !== undefined) entry.lr = lr;
    return entry;
  }

  // Takes an applied edit everywhere it shows.
  function applied() {
    ctx.messages.clearError();
    ctx.panels.sync();
    ctx.url.sync();
    ctx.draw.dynamic();
    const card = box.closest(".card");
    const legend = card?.querySelector(":scope > legend");
    if (legend && !legend.querySelector(".locked-note")) {
      legend.textContent = ctx.messages.groupName(i);
      card?.setAttribute("aria-label", legend.textContent);
    }
  }

  // Reads what is typed; when all of it reads, it is applied (as one edit
  // of the optimizer's entry), else kept as a draft, each problem said
  // where it is, and the rule in force shown as such. `lr`: a rate to
  // apply with it (a template's, or Undo's). True once applied.
  function read(lr = undefined) {
    clearTimeout(timer);
    pending.delete(i);
    // A card built anew meanwhile reads the draft itself.
    if (!box.isConnected) return false;
    const d = current();
    const { r, fine } = verdict(d);
    const card = box.closest(".card");
    const keep = () => {
      drafts.set(i, { base: ruleKey(engineEntry()), draft: d });
      card?.classList.add("not-applied");
      const now = inForce();
      if (now.ok) showMath(now, true);
      return false;
    };
    if (!fine) return keep();
    const entry = entryOf(d, lr);
    if (ruleKey(entry) !== ruleKey(engineEntry()) || (lr !== undefined && lr !== engineEntry().lr)) {
      try {
        app.set(`optimizers[${i}]`, entry);
      } catch (e) {
        ctx.messages.show(ctx.messages.problems(e), { input: area });
        return keep();
      }
      applied();
    }
    drafts.delete(i);
    // What the engine had refused (a name in the legend too long, a lock) is said no more.
    for (const el of [label, area]) if (el.getAttribute("aria-invalid") === "true") clearInvalid(el);
    showMath(r, false);
    if (!card?.querySelector(".field-error")) card?.classList.remove("not-applied");
    return true;
  }
  let timer = 0;
  function later() {
    clearTimeout(timer);
    drafts.set(i, { base: ruleKey(engineEntry()), draft: current() });
    pending.set(i, () => read());
    timer = setTimeout(() => read(), 150);
  }
  // A slider moved: applied at once when everything reads; otherwise the
  // rule in force takes the number, if it has it.
  function slid(nm, x) {
    if (read()) return;
    if (engineEntry().hyper && Object.hasOwn(engineEntry().hyper, nm)) {
      try {
        app.set(`optimizers[${i}].hyper.${nm}`, x);
        drafts.set(i, { base: ruleKey(engineEntry()), draft: current() });
        ctx.url.sync();
        ctx.draw.dynamic();
      } catch (e) {
        ctx.messages.show(ctx.messages.problems(e), { input: area });
      }
    }
  }

  label.addEventListener("input", later);
  area.addEventListener("input", later);
  area.addEventListener("change", () => read());

  const add = (rows, make, names, value) => {
    const taken = new Set(rowsOf(rows).map((r) => r.name.trim()));
    const nm = names.find((n) => !taken.has(n)) ?? `${names[0]}${rows.children.length + 1}`;
    rows.append(make({ name: nm, value }, rows.children.length));
    renumber();
    read();
    /** @type {HTMLInputElement} */ (rows.lastElementChild?.querySelector(".rule-name"))?.focus();
  };
  addState.addEventListener("click", () => add(stateRows, stateRow, STATE_NAMES, "0"));
  addHyper.addEventListener("click", () => {
    const taken = new Set(rowsOf(hyperRows).map((r) => r.name.trim()));
    const nm = Object.keys(NUMBERS).find((n) => !taken.has(n)) ?? "c";
    add(hyperRows, hyperRow, [nm], String(NUMBERS[nm] ?? 0.5));
  });

  // A template fills the rule, its numbers, its state and its rate. What
  // it replaces is a template too or plain gradient descent, or it can be
  // taken back.
  const isTemplate = (d) => {
    const same = (rows, list) => rows.length === list.length && rows.every((r, k) => r.name.trim() === list[k][0] && numberIn(r.value) === list[k][1]);
    if (d.update.trim() === cat.plain && !d.state.length && !d.hyper.length) return true;
    return cat.templates.some((t) => t.update === d.update && same(d.hyper, t.hyper) && same(d.state, t.state.map((s) => [s, 0])));
  };
  pick.addEventListener("change", () => {
    const t = cat.templates.find((t) => t.id === pick.value);
    pick.value = "";
    if (!t) return;
    const before = current();
    const lrBefore = engineEntry().lr;
    fill({
      label: t.title,
      update: t.update,
      state: t.state.map((s) => ({ name: s, value: "0" })),
      hyper: t.hyper.map(([n, v]) => ({ name: n, value: String(v).replace("e+", "e") })),
    });
    if (!read(t.lr)) return;
    showLr(t.lr);
    const twin = t.twin ? ` It takes the steps of the built-in ${t.twin}.` : "";
    picked.replaceChildren(`${t.title}, at lr ${t.lr}.${twin}`);
    if (isTemplate(before)) return;
    // Your own rule was there: Undo puts it back.
    const undo = document.createElement("button");
    undo.type = "button";
    undo.className = "link-button";
    undo.textContent = "Undo: back to your rule";
    undo.addEventListener("click", () => {
      fill(before);
      if (read(lrBefore)) showLr(lrBefore);
      picked.replaceChildren("Your rule is back.");
      area.focus();
    });
    picked.append(" ", undo);
  });

  // The rule in force as mathematics; what the card holds over it is read
  // once the card is on the page (and applied, if it reads).
  fill(start);
  const now = inForce();
  if (now.ok) showMath(now, false);
  if (drafts.has(i)) queueMicrotask(() => read());
  return box;
}
