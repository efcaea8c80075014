// @ts-check
// The lower parts of an optimizer's card: gradient clipping, the learning-rate
// schedule, its own sampling and its update rule; each returns its element.

import { field, numberInput, optionalInput, setting } from "./fields.js";
import { setMath } from "../math.js";

// Gradient clipping: none, by value or by norm, and the threshold. `name`:
// the card's name, for the error messages.
/** @param {import("../context.js").Context} ctx @param {number} i */
export function clipping(ctx, o, i, name) {
  const { app, edit, draw } = ctx;
  const clipRow = document.createElement("div");
  clipRow.className = "pair";
  const clipKind = document.createElement("select");
  clipKind.add(new Option("none", ""));
  clipKind.add(new Option("by value", "clip_value"));
  clipKind.add(new Option("by norm", "max_norm"));
  const currentClip = o.clip ? Object.keys(o.clip)[0] : "";
  clipKind.value = currentClip;
  const clipValue = numberInput(ctx, o.clip ? o.clip[currentClip] : 1, (x) => app.set(`optimizers[${i}].clip`, { [clipKind.value]: x }), `${name} › clip`);
  clipValue.disabled = !currentClip;
  clipValue.setAttribute("aria-label", "Clip threshold");
  clipKind.addEventListener("change", () => {
    const k = clipKind.value;
    clipValue.disabled = !k;
    if (edit(() => app.set(`optimizers[${i}].clip`, k ? { [k]: Number(clipValue.value) || 1 } : null), clipKind)) draw.dynamic();
  });
  clipRow.append(
    field("Gradient clipping", clipKind, "before each step, torch.nn.utils' clip_grad_value_ (by value: each coordinate clamped to ± threshold) or clip_grad_norm_ (by norm: the gradient scaled down when its length is above the threshold)"),
    field("Threshold", clipValue, "clip_value (by value) or max_norm (by norm): the largest coordinate, or length, let through (> 0)"),
  );
  return clipRow;
}

// A schedule's JSON at its catalogue defaults: torch's, or what the page
// offers for a key torch requires; keys torch leaves as None are left out.
// `ctx.scheduleOffer` fills the ones that depend on the experiment.
/** @param {import("../context.js").Context} ctx @param {number} i */
function scheduleDefaults(ctx, spec, i) {
  const exp = ctx.app.experiment();
  const steps = Math.max(1, exp.steps);
  const hasMomentum = ctx.cat.optimizers.find((d) => d.name === exp.optimizers[i].name).momentum;
  const value = { name: spec.name };
  for (const k of spec.keys) if (k.default !== null) value[k.name] = k.default;
  // Offers that fit this run: a cycle as long as the run, momentum cycled only
  // where there is one, and a warm-up then cosine over the rest.
  if (spec.name === "onecycle") value.total_steps = steps;
  if ("cycle_momentum" in value) value.cycle_momentum = hasMomentum;
  if (spec.name === "cyclic") value.step_size_up = Math.max(1, Math.round(steps / 4));
  if (spec.name === "multistep") value.milestones = [...new Set([Math.round(steps / 2), Math.round(steps * 0.8)])].filter((m) => m >= 1);
  if (spec.name === "sequential") {
    const warm = Math.max(1, Math.min(10, Math.floor(steps / 4)));
    value.schedulers = [
      { name: "linear", start_factor: 0.1, end_factor: 1, total_iters: warm },
      { name: "cosine", T_max: Math.max(1, steps - warm), eta_min: 0 },
    ];
    value.milestones = [warm];
  }
  return value;
}

// Parses "10, 50" into whole numbers, naming the field when a part is not one.
function stepList(text, what) {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  return parts.map((t) => {
    const x = Number(t);
    if (!Number.isInteger(x)) throw `${what}: "${t}" is not a whole number; type step numbers such as 30, 80`;
    return x;
  });
}

// The editor of one schedule at `path` (an optimizer's schedule, or one of a
// sequence's): a choice of schedule and a box for each of its keys.
/** @param {import("../context.js").Context} ctx @param {number} i */
function scheduleEditor(ctx, i, path, name, inSequence) {
  const { app, edit, draw } = ctx;
  const get = () => path.split(/\.|\[|\]/).filter(Boolean).reduce((v, k) => v?.[k], { optimizers: app.experiment().optimizers });
  const row = document.createElement("div");
  row.className = inSequence ? "schedule sub-schedule" : "schedule";
  const kind = document.createElement("select");
  if (!inSequence) kind.add(new Option("none: lr stays as set", ""));
  for (const spec of ctx.cat.schedules) {
    if (inSequence && (spec.name === "plateau" || spec.name === "sequential")) continue;
    kind.add(new Option(spec.title, spec.name));
  }
  const keys = document.createElement("div");
  keys.className = "hyper";
  const what = (k) => `${name} › schedule ${k}`;
  const fill = () => {
    keys.replaceChildren();
    const cur = get();
    kind.value = cur ? cur.name : "";
    if (!cur) return;
    const spec = ctx.cat.schedules.find((s) => s.name === cur.name);
    const about = document.createElement("p");
    about.className = "about schedule-about";
    about.textContent = `${spec.title}: ${spec.about}.`;
    keys.append(about);
    for (const k of spec.keys) {
      const at = `${path}.${k.name}`;
      const set = (v) => app.set(at, v);
      const doc = `${k.doc}${k.required ? " (required)" : ""}`;
      if (k.kind === "schedules") {
        keys.append(sequenceEditor(ctx, i, path, name, cur, fill));
      } else if (k.kind === "choice") {
        const sel = document.createElement("select");
        for (const c of k.choices) sel.add(new Option(c, c));
        sel.value = cur[k.name] ?? k.default;
        sel.addEventListener("change", () => {
          if (edit(() => set(sel.value), sel)) { relevance(); draw.dynamic(); }
          else sel.value = get()?.[k.name] ?? k.default;
        });
        keys.append(field(k.name, sel, doc));
      } else if (k.kind === "flag") {
        const box = document.createElement("input");
        box.type = "checkbox";
        box.checked = cur[k.name] ?? k.default;
        box.addEventListener("change", () => {
          if (edit(() => set(box.checked), box)) { relevance(); draw.dynamic(); }
          else box.checked = !box.checked;
        });
        keys.append(field(k.name, box, doc));
      } else if (k.kind === "list") {
        const box = document.createElement("input");
        box.type = "text";
        box.inputMode = "numeric";
        box.value = (cur[k.name] ?? []).join(", ");
        box.addEventListener("change", () => {
          if (edit(() => set(stepList(box.value, what(k.name))), box)) draw.dynamic();
        });
        keys.append(field(k.name, box, `${doc}; step numbers separated by commas`));
      } else if (k.default === null) {
        const box = optionalInput(ctx, cur[k.name], at, what(k.name), "None");
        box.dataset.key = k.name;
        keys.append(field(k.name, box, doc));
      } else {
        const box = numberInput(ctx, cur[k.name] ?? k.default, set, what(k.name));
        box.dataset.key = k.name;
        keys.append(field(k.name, box, doc));
      }
    }
    relevance();
  };
  // Keys that do nothing under the others' values are shown disabled:
  // CyclicLR's gamma outside exp_range, the momenta when none is cycled.
  const relevance = () => {
    const cur = get();
    const off = (key, why) => {
      const box = keys.querySelector(`[data-key="${key}"]`);
      if (!(box instanceof HTMLInputElement)) return;
      box.disabled = Boolean(why);
      box.title = why || "";
    };
    if (cur?.name === "cyclic") off("gamma", cur.mode !== "exp_range" && "used by mode exp_range only");
    if (cur?.name === "cyclic" || cur?.name === "onecycle") {
      const why = cur.cycle_momentum === false && "used only when cycle_momentum is on";
      off("base_momentum", why);
      off("max_momentum", why);
    }
  };
  kind.addEventListener("change", () => {
    const spec = ctx.cat.schedules.find((s) => s.name === kind.value);
    const value = spec ? scheduleDefaults(ctx, spec, i) : null;
    if (edit(() => app.set(path, value), kind)) {
      fill();
      draw.dynamic();
    } else kind.value = get()?.name ?? "";
  });
  const label = inSequence ? (path.endsWith("[0]") ? "First" : "Then") : "Learning-rate schedule";
  row.append(field(label, kind, "How lr changes from step to step, as torch.optim.lr_scheduler does it, stepped once after each optimizer step; the chosen schedule is described under the menu, each of its keys by its own ?"), keys);
  fill();
  return row;
}

// SequentialLR's schedules, each with its own editor, and buttons to add
// or remove one (with its milestone).
/** @param {import("../context.js").Context} ctx @param {number} i */
function sequenceEditor(ctx, i, path, name, cur, refill) {
  const { app, edit, draw } = ctx;
  const box = document.createElement("div");
  box.className = "sequence";
  cur.schedulers.forEach((_, n) => box.append(scheduleEditor(ctx, i, `${path}.schedulers[${n}]`, `${name} › schedule ${n + 1}`, true)));
  const buttons = document.createElement("div");
  buttons.className = "row-buttons";
  const add = document.createElement("button");
  add.type = "button";
  add.textContent = "Add a schedule";
  add.addEventListener("click", () => {
    const seq = structuredClone(app.experiment().optimizers[i].schedule);
    const last = seq.milestones.length ? seq.milestones[seq.milestones.length - 1] : 0;
    seq.schedulers.push({ name: "exponential", gamma: 0.95 });
    seq.milestones.push(Math.max(last + 1, Math.round((last + app.experiment().steps) / 2)));
    if (edit(() => app.set(path, seq), add)) { refill(); draw.dynamic(); }
  });
  const remove = document.createElement("button");
  remove.type = "button";
  remove.textContent = "Remove the last";
  remove.disabled = cur.schedulers.length <= 2;
  remove.addEventListener("click", () => {
    const seq = structuredClone(app.experiment().optimizers[i].schedule);
    seq.schedulers.pop();
    seq.milestones.pop();
    if (edit(() => app.set(path, seq), remove)) { refill(); draw.dynamic(); }
  });
  buttons.append(add, remove);
  box.append(buttons);
  return box;
}

// The learning-rate schedule and its keys.
/** @param {import("../context.js").Context} ctx @param {number} i */
export function schedule(ctx, o, i, name) {
  return scheduleEditor(ctx, i, `optimizers[${i}].schedule`, name, false);
}

// Its own sampling, where it differs from the experiment's (a batch size for
// a data model, `isModel`; gradient noise for a formula).
/** @param {import("../context.js").Context} ctx @param {number} i */
export function ownSampling(ctx, o, i, name, isModel) {
  const own = document.createElement("div");
  own.className = "hyper";
  if (isModel) {
    own.append(setting("batch_size", field("own batch size", optionalInput(ctx, o.batch_size, `optimizers[${i}].batch_size`, `${name} › batch size`, "shared"), "rows per gradient for this optimizer only: a number or full")));
  } else {
    own.append(setting("grad_noise", field("own noise σ", optionalInput(ctx, o.grad_noise, `optimizers[${i}].grad_noise`, `${name} › noise`, "shared"), "gradient noise for this optimizer only")));
  }
  own.append(setting("accumulate", field("own accumulate", optionalInput(ctx, o.accumulate, `optimizers[${i}].accumulate`, `${name} › accumulate`, "shared"), "micro-batches per update for this optimizer only")));
  return own;
}

// The update rule, from the optimizer's own definition.
export function updateRule(def) {
  const rule = document.createElement("details");
  rule.className = "rule";
  const summary = document.createElement("summary");
  summary.textContent = "Update rule";
  rule.append(summary);
  const ol = document.createElement("ol");
  for (const line of def.rule) {
    const li = document.createElement("li");
    setMath(li, line);
    ol.append(li);
  }
  rule.append(ol);
  // Whose class it steps as, exactly.
  const source = document.createElement("p");
  source.className = "about";
  source.textContent = `Stepped as ${def.origin}'s ${def.title} steps.`;
  rule.append(source);
  return rule;
}
