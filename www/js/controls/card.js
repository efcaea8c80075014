// @ts-check
// One optimizer's card: show, colour and Remove, the learning rate, the
// hyperparameters under torch's names, the parts in card-extras.js, its status.

import { autoInput, field, helpButton, numberInput, setting } from "./fields.js";
import { clipping, schedule, ownSampling, updateRule } from "./card-extras.js";
import { forgetDraft, ruleEditor } from "./rule.js";

// The keys a card shows beside the learning rate: those that change what a
// lesson shows (momentum, the betas and their kin, L-BFGS's iterations,
// history and line search). The rest of torch's keys fold away until asked
// for, or until a link or scenario sets them.
const MAIN_KEYS = ["momentum", "betas", "alpha", "rho", "etas", "max_iter", "history_size", "line_search_fn"];

function lrSliderValue(lr) {
  return lr > 0 ? Math.log10(lr) : -6;
}

// `removed(i)`: what follows the card's Remove (the cards are built again).
/**
 * @param {import("../context.js").Context} ctx
 * @param {number} i
 * @param {(i: number) => void} removed
 */
export function optimizerCard(ctx, o, i, removed) {
  const card = buildCard(ctx, o, i, removed);
  // What each control edits, for a problem to be shown beside it.
  card.dataset.path = `optimizers[${i}]`;
  markPaths(card, i);
  return card;
}

/** Marks each control under `root` with the path it edits in optimizer `i`. */
function markPaths(root, i) {
  for (const el of root.querySelectorAll("[data-setting]")) el.setAttribute("data-path", `optimizers[${i}].${el.getAttribute("data-setting")}`);
}

/**
 * @param {import("../context.js").Context} ctx
 * @param {number} i
 * @param {(i: number) => void} removed
 */
function buildCard(ctx, o, i, removed) {
  const { app, edit, draw } = ctx;
  const def = ctx.cat.optimizers.find((d) => d.name === o.name);
  const name = ctx.messages.groupName(i);
  const card = document.createElement("fieldset");
  card.className = "card optimizer";
  card.setAttribute("aria-label", name);
  // Focusable from script, so that after a Remove the focus lands on a neighbour.
  card.tabIndex = -1;
  const legend = document.createElement("legend");
  legend.textContent = name;
  card.append(legend);

  // Header: show toggle, colour, remove.
  const head = document.createElement("div");
  head.className = "card-head";
  const show = document.createElement("input");
  show.type = "checkbox";
  show.checked = o.enabled !== false;
  show.addEventListener("change", () => {
    if (edit(() => app.set(`optimizers[${i}].enabled`, show.checked ? null : false), show)) draw.dynamic();
  });
  const color = document.createElement("input");
  color.type = "color";
  color.value = app.color(i);
  color.addEventListener("input", () => {
    if (edit(() => app.set(`optimizers[${i}].color`, color.value), color)) {
      card.style.setProperty("--path", color.value);
      draw.dynamic();
    }
  });
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "remove";
  remove.textContent = "Remove";
  remove.setAttribute("aria-label", `Remove ${name}`);
  remove.addEventListener("click", () => {
    if (edit(() => app.removeOptimizer(i))) {
      forgetDraft(i);
      ctx.messages.notice(`${name} removed`);
      removed(i);
    }
  });
  head.append(setting("enabled", field("Show", show)), setting("color", field("Colour", color)), remove);
  card.append(head);

  // Learning rate: a log-scale slider and the exact number.
  const lrRow = document.createElement("div");
  lrRow.className = "slider-row";
  lrRow.dataset.setting = "lr";
  const slider = document.createElement("input");
  slider.type = "range";
  slider.min = "-6";
  slider.max = "1";
  slider.step = "0.01";
  slider.value = String(lrSliderValue(o.lr));
  slider.setAttribute("aria-label", "Learning rate");
  slider.setAttribute("aria-valuetext", `${o.lr}`);
  const lrBox = numberInput(ctx, o.lr, (x) => app.set(`optimizers[${i}].lr`, x), `${name} › lr`);
  lrBox.setAttribute("aria-label", "Learning rate (exact)");
  lrBox.min = "0";
  slider.addEventListener("input", () => {
    const lr = Number(Math.pow(10, Number(slider.value)).toPrecision(3));
    if (edit(() => app.set(`optimizers[${i}].lr`, lr), slider)) {
      lrBox.value = String(lr);
      slider.setAttribute("aria-valuetext", `${lr}`);
      draw.dynamic();
    }
  });
  lrBox.addEventListener("change", () => {
    if (lrBox.getAttribute("aria-invalid") === "true") return;
    slider.value = String(lrSliderValue(Number(lrBox.value)));
    slider.setAttribute("aria-valuetext", lrBox.value);
  });
  const lrLabel = document.createElement("span");
  lrLabel.className = "field-name field-top";
  const lrDoc = "the learning rate γ: how far each step goes along the update direction (the slider is logarithmic, from 1e-6 to 10)";
  lrLabel.append("Learning rate (lr)", helpButton("the learning rate", lrDoc, lrRow));
  lrRow.append(lrLabel, slider, lrBox);
  card.append(lrRow);
  // A typed rule: its name, its rule and what it declares.
  const own = def.origin === "your own";
  if (own) {
    const showLr = (lr) => {
      lrBox.value = String(lr);
      slider.value = String(lrSliderValue(lr));
      slider.setAttribute("aria-valuetext", `${lr}`);
    };
    card.append(ruleEditor(ctx, o, i, showLr));
  }

  // Hyperparameters under torch's names: those that shape a lesson (and any
  // a link or scenario set away from torch's default) in the card, the rest
  // folded under "All of torch's keys".
  const grid = document.createElement("div");
  grid.className = "hyper";
  const rest = document.createElement("div");
  rest.className = "hyper";
  const differs = (h) => JSON.stringify(o[h.name]) !== JSON.stringify(h.default);
  for (const h of def.hyper) {
    const into = MAIN_KEYS.includes(h.name) || differs(h) ? grid : rest;
    into.append(...hyperFields(ctx, h, o[h.name], `optimizers[${i}]`, "", name));
  }
  const maximize = document.createElement("input");
  maximize.type = "checkbox";
  maximize.checked = o.maximize === true;
  maximize.addEventListener("change", () => {
    if (edit(() => app.set(`optimizers[${i}].maximize`, maximize.checked ? true : null), maximize)) draw.dynamic();
    else maximize.checked = !maximize.checked;
  });
  (o.maximize === true ? grid : rest).append(setting("maximize", field("maximize", maximize, "climb the surface: torch's maximize flips the gradient's sign")));
  card.append(grid);
  // The optimizer it holds, after its own keys.
  if (def.wraps) card.append(innerOptimizer(ctx, def, o, i, name));
  if (rest.children.length) {
    const all = document.createElement("details");
    all.className = "all-keys";
    const summary = document.createElement("summary");
    const n = new Set([...rest.children].map((c) => /** @type {HTMLElement} */ (c).dataset.setting)).size;
    const whose = def.origin === "torch.optim" ? "torch's" : own ? "the rule's" : "the class's";
    summary.textContent = `All of ${whose} keys (${n} more)`;
    all.append(summary, rest);
    card.append(all);
  }

  // The parts used less often fold under "More", open when any is set.
  const more = document.createElement("details");
  more.className = "more";
  const isModel = !!ctx.cat.functions.find((f) => f.name === app.experiment().function.name).model;
  more.open = Boolean(o.clip || o.schedule || o.batch_size !== undefined || o.grad_noise !== undefined || o.accumulate !== undefined);
  const summary = document.createElement("summary");
  summary.textContent = `More: clipping, schedule, own ${isModel ? "batch size" : "noise"}`;
  more.append(summary, setting("clip", clipping(ctx, o, i, name)), setting("schedule", schedule(ctx, o, i, name)), ownSampling(ctx, o, i, name, isModel));
  // A typed rule shows itself as mathematics under its box.
  card.append(more);
  if (!own) card.append(updateRule(def));

  const status = document.createElement("p");
  status.className = "status";
  status.dataset.status = String(i);
  card.append(status);
  card.style.setProperty("--path", app.color(i));
  return card;
}

/**
 * The controls of one hyperparameter `h` holding `value`, which edit
 * `${at}.${h.name}`; `key` prefixes the setting's name (`base.` inside the
 * optimizer a wrapper holds), `name` is the card's, for messages.
 * @param {import("../context.js").Context} ctx
 * @returns {HTMLElement[]}
 */
function hyperFields(ctx, h, value, at, key, name) {
  const { app, edit, draw } = ctx;
  const path = `${at}.${h.name}`;
  const what = `${name} › ${key}${h.name}`;
  const mark = (el) => setting(`${key}${h.name}`, el);
  // The value now, read back (a list is edited one entry at a time).
  const current = () => path.split(/\.|\[(\d+)\]/).filter(Boolean).reduce((v, k) => v?.[k], app.experiment());
  if (h.kind === "flag") {
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = value;
    box.addEventListener("change", () => {
      if (edit(() => app.set(path, box.checked), box)) draw.dynamic();
      else box.checked = !box.checked;
    });
    return [mark(field(h.name, box, h.doc))];
  }
  if (h.kind === "pair" || h.kind === "auto_pair" || h.kind === "triple") {
    // An automatic first entry (torch's None) is an empty box.
    return value.map((x, j) => {
      const put = (y) => app.set(path, current().map((z, k) => (k === j ? y : z)));
      const box = j === 0 && h.kind === "auto_pair" ? autoInput(ctx, x, put, `${what}[${j}]`) : numberInput(ctx, x, put, `${what}[${j}]`);
      return mark(field(`${h.name} ${h.parts[j]}`, box, `${h.doc} (${h.range.text})`));
    });
  }
  if (h.kind === "choice" || h.kind === "word") {
    // torch's None, where allowed, is the first option.
    const select = document.createElement("select");
    if (h.kind === "choice") select.add(new Option("None", ""));
    for (const c of h.choices) select.add(new Option(c, c));
    select.value = value ?? "";
    select.addEventListener("change", () => {
      if (edit(() => app.set(path, select.value === "" ? null : select.value), select)) draw.dynamic();
      else select.value = current() ?? "";
    });
    return [mark(field(h.name, select, h.doc))];
  }
  if (h.kind === "count") {
    const box = h.none ? autoInput(ctx, value, (x) => app.set(path, x), what) : numberInput(ctx, value, (x) => app.set(path, x), what);
    if (!h.none) Object.assign(box, { step: "1", min: String(h.min), max: String(h.max) });
    return [mark(field(h.name, box, `${h.doc} (a whole number from ${h.min} to ${h.max}${h.none ? "; empty for None" : ""})`))];
  }
  if (h.kind === "maybe_number") {
    // Empty is torch's None, which the text names.
    const box = autoInput(ctx, value, (x) => app.set(path, x), what);
    box.placeholder = "None";
    return [mark(field(h.name, box, `${h.doc} (${h.range.text}; empty for None: ${h.none})`))];
  }
  return [mark(field(h.name, numberInput(ctx, value, (x) => app.set(path, x), what), `${h.doc} (${h.range.text})`))];
}

/**
 * The optimizer a wrapper holds (SAM's and Lookahead's base, Muon's
 * others): which one, its own rate where it keeps one, and its keys.
 * @param {import("../context.js").Context} ctx
 */
function innerOptimizer(ctx, def, o, i, name) {
  const { app, edit, draw } = ctx;
  const w = def.wraps;
  const at = `optimizers[${i}].${w.key}`;
  const inner = o[w.key];
  const innerDef = ctx.cat.optimizers.find((d) => d.name === inner.name);
  const box = document.createElement("fieldset");
  box.className = "inner-optimizer";
  const legend = document.createElement("legend");
  legend.textContent = w.key === "base" ? "Base optimizer" : "Other parameters";
  box.append(legend);
  const select = document.createElement("select");
  for (const d of ctx.cat.optimizers) {
    if (!d.wraps && !w.refuses.includes(d.name)) select.add(new Option(d.title, d.name));
  }
  select.value = inner.name;
  select.addEventListener("change", () => {
    const picked = ctx.cat.optimizers.find((d) => d.name === select.value);
    // A fresh entry at the optimizer's defaults (its own rate, where it keeps one).
    const entry = w.shares_lr ? { name: picked.name } : { name: picked.name, lr: picked.default_lr };
    if (edit(() => app.set(at, entry), select)) {
      draw.dynamic();
      box.replaceWith(innerOptimizer(ctx, def, app.experiment().optimizers[i], i, name));
    } else select.value = inner.name;
  });
  const fields = document.createElement("div");
  fields.className = "hyper";
  fields.append(setting(w.key, field(w.key, select, `the optimizer ${def.title} ${w.doc}`)));
  if (!w.shares_lr) {
    const lr = numberInput(ctx, inner.lr, (x) => app.set(`${at}.lr`, x), `${name} › ${w.key}.lr`);
    lr.min = "0";
    fields.append(setting(`${w.key}.lr`, field("lr", lr, `its own learning rate (${w.key === "others" ? "the biases' and batch norm's" : "its"} rate, which the schedule does not move)`)));
  }
  for (const h of innerDef.hyper) fields.append(...hyperFields(ctx, h, inner[h.name], at, `${w.key}.`, name));
  box.append(fields);
  markPaths(box, i);
  return box;
}