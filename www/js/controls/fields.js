// @ts-check
// Form pieces the settings cards share: a labelled field (with its
// explanation behind a "?" button), number boxes that commit through edit(),
// reading a number out of a box, a random seed, and a refused value's message
// beside its field.

let ids = 0;

// A field: its name over its control. With `doc`, a "?" button beside the
// name shows the explanation under the field (by mouse, keyboard or touch),
// and the control carries it as its accessible description.
// Marks the controls of one optimizer key (lr, betas, clip, …), for a
// teacher's link to lock by name (lock.js).
export function setting(key, el) {
  el.dataset.setting = key;
  return el;
}

/** The control under `root` that edits `path` (a JSON path into the
 * experiment), or the one that edits the nearest part holding it
 * (`optimizers[0].schedule.T_max` falls back to `optimizers[0].schedule`):
 * controls say what they edit in `data-path`. The box itself, where a
 * marked place holds a slider and a box. */
export function controlIn(root, path) {
  for (let p = path; p; p = p.replace(/(\.[^.[\]]*|\[\d+\])$/, "")) {
    const el = root.querySelector(`[data-path="${CSS.escape(p)}"]`);
    if (el) {
      // A control folded away (under "All of torch's keys", "More") is
      // unfolded: a message is to stand beside it.
      for (let d = el.closest("details:not([open])"); d; d = d.parentElement?.closest("details:not([open])") ?? null) d.open = true;
      return el.matches("input, select, textarea") ? el : el.querySelector("input:not([type=range]), select, textarea") ?? el.querySelector("input");
    }
    if (!/[.[]/.test(p)) break;
  }
  return null;
}

export function field(labelText, input, doc) {
  if (!doc) {
    const label = document.createElement("label");
    label.className = "field";
    label.append(labelText, input);
    return label;
  }
  const holder = document.createElement("div");
  holder.className = "field";
  input.id ||= `field-${++ids}`;
  const label = document.createElement("label");
  label.htmlFor = input.id;
  label.append(labelText);
  const help = helpButton(labelText, doc, holder);
  const top = document.createElement("span");
  top.className = "field-top";
  top.append(label, help);
  input.setAttribute("aria-description", doc);
  holder.append(top, input);
  return holder;
}

// A "?" button that opens `doc` under `holder` (after its error message, if
// it has one) and closes it again.
export function helpButton(name, doc, holder) {
  const help = document.createElement("button");
  help.type = "button";
  help.className = "help";
  help.textContent = "?";
  help.setAttribute("aria-label", `What is ${name}?`);
  help.setAttribute("aria-expanded", "false");
  help.title = doc;
  let note = null;
  help.addEventListener("click", () => {
    if (!note) {
      note = document.createElement("p");
      note.className = "doc";
      note.id = `doc-${++ids}`;
      note.textContent = doc;
      note.hidden = true;
      help.setAttribute("aria-controls", note.id);
      // A slider's row keeps its slider and number box together: the note goes after the row.
      const place = holder.closest(".slider-row") ?? holder;
      const error = place.nextElementSibling?.classList.contains("field-error") ? place.nextElementSibling : null;
      (error ?? place).after(note);
    }
    note.hidden = !note.hidden;
    help.setAttribute("aria-expanded", String(!note.hidden));
  });
  return help;
}

export function numberFrom(input, what) {
  const text = input.value.trim();
  const x = Number(text);
  if (text === "" || !Number.isFinite(x)) {
    // A number box the browser emptied because its text was no number.
    const shown = text === "" ? "that is not a number" : `"${text}" is not a number`;
    throw `${what}: ${shown}; type a number such as 1.5`;
  }
  return x;
}

// A refused value's message, shown and announced right under its field; the
// field marked invalid, its card marked "not applied" until an edit is taken.
let errorIds = 0;
export function markInvalid(input, message) {
  const holder = input.closest(".field") ?? input;
  let note = holder.nextElementSibling;
  if (!note?.classList.contains("field-error")) {
    note = document.createElement("p");
    note.className = "field-error";
    note.setAttribute("role", "alert");
    note.id = `field-error-${++errorIds}`;
    holder.after(note);
  }
  note.textContent = message;
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", note.id);
  input.closest(".card")?.classList.add("not-applied");
}
export function clearInvalid(input) {
  const holder = input.closest(".field") ?? input;
  if (holder.nextElementSibling?.classList.contains("field-error")) holder.nextElementSibling.remove();
  input.removeAttribute("aria-invalid");
  input.removeAttribute("aria-describedby");
  const card = input.closest(".card");
  if (card && !card.querySelector(".field-error")) card.classList.remove("not-applied");
}

/**
 * @param {import("../context.js").Context} ctx
 * @param {(x: number) => void} onCommit
 * @param {string} what
 */
export function numberInput(ctx, value, onCommit, what) {
  const input = document.createElement("input");
  input.type = "number";
  input.step = "any";
  input.inputMode = "decimal";
  // As the engine writes it everywhere else: 1e308, not 1e+308.
  input.value = String(value).replace("e+", "e");
  input.addEventListener("change", () => {
    if (ctx.edit(() => onCommit(numberFrom(input, what)), input)) ctx.draw.dynamic();
  });
  return input;
}

// A text box for a number that may be left empty; `commit(text, input)`
// applies its trimmed text through edit(), then `redraw` runs.
/**
 * @param {import("../context.js").Context} ctx
 * @param {string} placeholder
 * @param {(text: string, input: HTMLInputElement) => void} commit
 * @param {() => void} redraw
 */
function blankable(ctx, value, placeholder, commit, redraw) {
  const input = document.createElement("input");
  input.type = "text";
  input.inputMode = "decimal";
  input.placeholder = placeholder;
  input.value = value ?? "";
  input.addEventListener("change", () => {
    if (ctx.edit(() => commit(input.value.trim(), input), input)) redraw();
  });
  return input;
}

// A number box that may be left empty for torch's None (a value torch
// chooses itself): `onCommit` gets null then.
/**
 * @param {import("../context.js").Context} ctx
 * @param {(x: number | null) => void} onCommit
 * @param {string} what
 */
export function autoInput(ctx, value, onCommit, what) {
  const commit = (text, input) => onCommit(text === "" ? null : numberFrom(input, what));
  return blankable(ctx, value, "None (auto)", commit, () => ctx.draw.dynamic());
}

// A number field whose empty value removes the key (an unset rule or override).
/**
 * @param {import("../context.js").Context} ctx
 * @param {string} path
 * @param {string} what
 */
export function optionalInput(ctx, value, path, what, placeholder = "off", redraw = () => ctx.draw.dynamic()) {
  const { app } = ctx;
  const commit = (text, input) => app.set(path, text === "" ? null : text === "full" ? "full" : numberFrom(input, what));
  const input = blankable(ctx, value, placeholder, commit, redraw);
  input.dataset.path = path;
  return input;
}

// A function parameter's row: a slider over `range` ({min, max, step}) and an
// exact box, both setting function.params.<name> and redrawing the surface.
/**
 * @param {import("../context.js").Context} ctx
 * @param {string} name
 * @param {number} value
 * @param {{ min: number, max: number, step: number }} range
 * @param {string} label
 * @param {string} doc
 */
export function parameterRow(ctx, name, value, range, label, doc) {
  const { app, edit, draw } = ctx;
  const path = `function.params.${name}`;
  const slider = document.createElement("input");
  slider.type = "range";
  Object.assign(slider, range);
  slider.value = String(value);
  slider.setAttribute("aria-label", name);
  const num = numberInput(ctx, value, (x) => app.set(path, x), `function parameter ${name}`);
  num.setAttribute("aria-label", `${name} (exact)`);
  slider.addEventListener("input", () => {
    if (edit(() => app.set(path, Number(slider.value)), slider)) {
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
  row.dataset.path = path;
  row.append(field(label, slider, doc), num);
  return row;
}

export const randomSeed = () => Math.floor(Math.random() * 1e6);
