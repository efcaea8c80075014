// The lower parts of an optimizer's card: gradient clipping, the learning-rate
// schedule, its own sampling and its update rule; each returns its element.

import { field, numberInput, optionalInput } from "./fields.js";

// Gradient clipping: none, by value or by norm, and the threshold. `name`:
// the card's name, for the error messages.
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

// The learning-rate schedule and its keys.
export function schedule(ctx, o, i, name) {
  const { app, edit, draw } = ctx;
  const schedRow = document.createElement("div");
  schedRow.className = "schedule";
  const schedKind = document.createElement("select");
  schedKind.add(new Option("constant", ""));
  for (const s of ctx.cat.schedules) schedKind.add(new Option(s.title, s.name));
  schedKind.value = o.schedule ? o.schedule.name : "";
  const schedKeys = document.createElement("div");
  schedKeys.className = "hyper";
  const fillKeys = () => {
    schedKeys.replaceChildren();
    const cur = app.experiment().optimizers[i].schedule;
    if (!cur) return;
    const spec = ctx.cat.schedules.find((s) => s.name === cur.name);
    for (const k of spec.keys) {
      const box = numberInput(ctx, cur[k.name], (x) => app.set(`optimizers[${i}].schedule.${k.name}`, x), `${name} › schedule ${k.name}`);
      schedKeys.append(field(k.name, box, k.doc));
    }
  };
  schedKind.addEventListener("change", () => {
    const spec = ctx.cat.schedules.find((s) => s.name === schedKind.value);
    const value = spec ? Object.fromEntries([["name", spec.name], ...spec.keys.map((k) => [k.name, k.default])]) : null;
    if (edit(() => app.set(`optimizers[${i}].schedule`, value), schedKind)) {
      fillKeys();
      draw.dynamic();
    }
  });
  const about = ctx.cat.schedules.map((s) => `${s.title}: ${s.about}.`).join(" ");
  schedRow.append(field("Learning-rate schedule", schedKind, `How lr changes from step to step, as torch.optim.lr_scheduler does it, stepped once after each optimizer step. ${about}`), schedKeys);
  fillKeys();
  return schedRow;
}

// Its own sampling, where it differs from the experiment's (a batch size for
// a data model, `isModel`; gradient noise for a formula).
export function ownSampling(ctx, o, i, name, isModel) {
  const own = document.createElement("div");
  own.className = "hyper";
  if (isModel) {
    own.append(field("own batch size", optionalInput(ctx, o.batch_size, `optimizers[${i}].batch_size`, `${name} › batch size`, "shared"), "rows per gradient for this optimizer only: a number or full"));
  } else {
    own.append(field("own noise σ", optionalInput(ctx, o.grad_noise, `optimizers[${i}].grad_noise`, `${name} › noise`, "shared"), "gradient noise for this optimizer only"));
  }
  own.append(field("own accumulate", optionalInput(ctx, o.accumulate, `optimizers[${i}].accumulate`, `${name} › accumulate`, "shared"), "micro-batches per update for this optimizer only"));
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
    li.innerHTML = line;
    ol.append(li);
  }
  rule.append(ol);
  return rule;
}
