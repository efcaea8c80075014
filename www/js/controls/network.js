// @ts-check
// A network's settings in the Surface card (function "mlp"): its hidden
// layers, activation, batch norm, task, rows, initial weights and the plane
// its landscape is drawn on. Each edit sets the whole function object
// through the engine, which checks it; a refused value stays in its box with
// the engine's message under it.

import { field, numberFrom } from "./fields.js";

const ACTIVATIONS = { relu: "ReLU", tanh: "tanh", sigmoid: "sigmoid" };
const INITS = {
  torch_default: "PyTorch's default (nn.Linear)",
  xavier_uniform: "Xavier (Glorot) uniform",
  xavier_normal: "Xavier (Glorot) normal",
  kaiming_uniform: "Kaiming (He) uniform",
  kaiming_normal: "Kaiming (He) normal",
  normal: "Normal N(0, σ²)",
};
const DATASETS = {
  circle: "Circle: a disc inside a ring",
  xor: "XOR: the four quadrants",
  gauss: "Two Gaussian blobs",
  spiral: "Two spirals",
  plane: "A noisy plane (regression)",
};

function select(options, value) {
  const s = document.createElement("select");
  for (const [k, title] of Object.entries(options)) s.add(new Option(title, k));
  s.value = value;
  return s;
}

function numberBox(value, min, max, step = "any") {
  const input = document.createElement("input");
  input.type = "number";
  input.step = step;
  input.inputMode = step === "1" ? "numeric" : "decimal";
  if (min !== undefined) input.min = min;
  if (max !== undefined) input.max = max;
  input.value = value;
  return input;
}

/** @param {import("../context.js").Context} ctx */
export function networkControls(ctx, f, limits) {
  const { app, edit, draw } = ctx;
  const box = document.createElement("div");
  box.className = "network";

  // Sets the function to `change(copy of the function)`; a redraw of
  // everything follows, since the landscape and its plane change.
  function commit(input, change) {
    const place = ctx.surface.placeOf(input);
    const ok = edit(() => {
      const next = structuredClone(app.experiment().function);
      change(next);
      app.set("function", next);
    }, input);
    if (ok) {
      app.step = Math.min(app.step, app.maxStep());
      // Once the focus has moved on (Tab), so the rebuilt card can put the
      // keyboard back where it went.
      setTimeout(() => {
        ctx.surface.keepFocus(document.activeElement, place);
        ctx.rebuild();
        draw.all(true);
      }, 0);
    } else if (input.type === "checkbox") {
      // A refused box shows what the network still is.
      input.checked = !input.checked;
    }
  }

  const hidden = document.createElement("input");

  hidden.dataset.path = "function.hidden";
  hidden.type = "text";
  hidden.value = (f.hidden ?? limits.default_hidden).join(", ");
  hidden.spellcheck = false;
  hidden.addEventListener("change", () => commit(hidden, (next) => {
    const parts = hidden.value.split(/[,\s]+/).filter(Boolean);
    if (!parts.length) throw `Hidden layers: give 1 to ${limits.max_hidden} widths, such as 8, 8`;
    next.hidden = parts.map((t) => {
      const w = Number(t);
      if (!Number.isInteger(w)) throw `Hidden layers: "${t}" is not a whole number; give widths from 1 to ${limits.max_width}, such as 8, 8`;
      return w;
    });
    // Given weights fit one architecture only: a new one draws its own.
    delete next.weights;
  }));
  box.append(field("Hidden layers (widths)", hidden, `The width of each hidden layer, input side first, separated by commas: 1 to ${limits.max_hidden} layers of 1 to ${limits.max_width} units, at most ${limits.max_params} parameters in all. The network is Linear(2, h1), activation, …, Linear(h_last, 1).`));

  const act = select(ACTIVATIONS, f.activation ?? "tanh");

  act.dataset.path = "function.activation";
  act.addEventListener("change", () => commit(act, (next) => { next.activation = act.value; }));
  box.append(field("Activation", act, "The nonlinearity after each hidden layer. A deep sigmoid net shrinks its gradients layer by layer (vanishing gradients); ReLU keeps them."));

  const bn = document.createElement("input");

  bn.dataset.path = "function.batch_norm";
  bn.type = "checkbox";
  bn.checked = !!f.batch_norm;
  bn.addEventListener("change", () => commit(bn, (next) => { next.batch_norm = bn.checked; delete next.weights; }));
  const bnLabel = document.createElement("label");
  bnLabel.className = "check";
  bnLabel.append(bn, " Batch norm after each hidden Linear (which then has no bias)");
  box.append(bnLabel);

  // The rows: drawn from a pattern, or given (from a file or a link).
  const given = !!f.data;
  const datasets = given ? { given: `The given rows (${f.data.y.length})`, ...DATASETS } : DATASETS;
  const ds = f.dataset ?? {};
  const pattern = select(datasets, given ? "given" : ds.name ?? "circle");
  pattern.dataset.path = "function.dataset.name";
  pattern.addEventListener("change", () => commit(pattern, (next) => {
    if (pattern.value === "given") return;
    delete next.data;
    next.dataset = { ...(next.dataset ?? {}), name: pattern.value };
    // The plane is for regression, the others for classification.
    next.task = pattern.value === "plane" ? "regression" : "classification";
  }));
  box.append(field("Dataset", pattern, "The rows the network learns: two classes in four patterns, or a noisy plane to fit (regression)."));
  if (!given) {
    const defaults = limits.default_rows;
    const pair = document.createElement("div");
    pair.className = "pair three";
    const rowBox = (key, title, min, max, step, doc) => {
      const input = numberBox(ds[key] ?? defaults[key], min, max, step);
      input.dataset.path = `function.dataset.${key}`;
      input.addEventListener("change", () => commit(input, (next) => {
        next.dataset = { ...(next.dataset ?? { name: "circle" }), [key]: numberFrom(input, title) };
      }));
      pair.append(field(title, input, doc));
    };
    rowBox("n", "Rows", 2, limits.max_rows, "1", `How many rows to draw, 2 to ${limits.max_rows}.`);
    rowBox("noise", "Noise", 0, 10, "any", "How far each row is scattered from its pattern.");
    rowBox("seed", "Data seed", 0, undefined, "1", "Which draw of the rows: the same seed gives the same rows.");
    box.append(pair);
  }
  const task = select({ classification: "Classification (BCE with logits)", regression: "Regression (MSE)" }, f.task ?? "classification");
  task.dataset.path = "function.task";
  task.addEventListener("change", () => commit(task, (next) => { next.task = task.value; }));
  box.append(field("Task", task, "Classification predicts a logit for y ∈ {0, 1} with BCEWithLogitsLoss; regression predicts y with MSELoss."));

  const init = select(INITS, f.init ?? "torch_default");

  init.dataset.path = "function.init";
  init.addEventListener("change", () => commit(init, (next) => { next.init = init.value; delete next.weights; }));
  box.append(field("Initial weights", init, "How the weights are drawn before step 0, as torch.nn.init draws them (biases start at 0, except PyTorch's default, which draws them too)."));
  const initPair = document.createElement("div");
  initPair.className = "pair";
  if ((f.init ?? "torch_default") === "normal") {
    const std = numberBox(f.init_std ?? 1, 0, 100);
    std.dataset.path = "function.init_std";
    std.addEventListener("change", () => commit(std, (next) => { next.init_std = numberFrom(std, "Initial σ"); delete next.weights; }));
    initPair.append(field("Initial σ", std, "The standard deviation of the normal draw: too large and the activations saturate or the gradients explode."));
  }
  const seed = numberBox(f.init_seed ?? 0, 0, undefined, "1");
  seed.dataset.path = "function.init_seed";
  seed.addEventListener("change", () => commit(seed, (next) => { next.init_seed = numberFrom(seed, "Weight seed"); delete next.weights; }));
  initPair.append(field("Weight seed", seed, "Which draw of the initial weights."));
  box.append(initPair);
  if (f.weights) {
    const note = document.createElement("p");
    note.className = "about";
    note.textContent = `Starts from ${f.weights.length} given weights (from a file or link); changing the initial weights above draws new ones.`;
    box.append(note);
  }

  const plane = select({ pca: "Principal: the plane of most motion", random: "Random, filter-normalised" }, f.plane ?? "pca");

  plane.dataset.path = "function.plane";
  plane.addEventListener("change", () => commit(plane, (next) => {
    if (plane.value === "pca") delete next.plane;
    else next.plane = "random";
  }));
  box.append(field("Landscape plane", plane, "The plane through the initial weights the landscape is drawn on: spanned by the two leading principal directions of every optimizer's motion, or by two seeded random directions scaled to each layer's weights (Li et al. 2018)."));
  return box;
}
