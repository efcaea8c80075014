// @ts-check
// The chart choice under the plot (loss, learning rate, per-coordinate
// learning rate, the curvature along each path against each optimizer's
// stability limit, LBFGS's evaluations, a cycled momentum) and the inspector:
// each shown optimizer's next step as its update rule with the numbers in
// place, and the switches for the arrows and the curvature ellipses on the
// plot. The engine computes them; the link keeps which are shown (chart=,
// arrows=, curvature=, inspect=).

import { $ } from "./dom.js";
import { setMath } from "./math.js";

const CHARTS = {
  loss: { title: "Loss", aria: "Loss against step", caption: "" },
  lr: { title: "Learning rate", aria: "Learning rate against step", caption: "The learning rate each step used, as its schedule set it." },
  effective: {
    title: "Learning rate per coordinate (adaptive)",
    aria: "Each coordinate's effective learning rate against step",
    caption: "What each coordinate's step is scaled by: solid for the first coordinate, dashed for the second. Adam, AdamW, NAdam: γ/(√v̂ + ε); RAdam: its rectified form; Adamax: γ/u; RMSprop: γ/(√v + ε), centered γ/(√(v − ḡ²) + ε); Adagrad: γ̃/(√s + ε); Adadelta: γ√(u + ε)/√(v + ε).",
  },
  momentum: { title: "Momentum or β₁ (cycled)", aria: "Momentum or β₁ against step", caption: "The momentum (SGD, RMSprop) or β₁ (Adam and kin) each step used, as a cyclic or one-cycle schedule moved it, opposite to the learning rate." },
  curvature: {
    title: "Curvature λmax along the path",
    aria: "The Hessian's largest eigenvalue at each point of each path, and each fixed-step optimizer's stability limit",
    caption: "λmax: the largest curvature of the surface at each point a path visits (the Hessian's largest eigenvalue). Dashed: the most curvature a step of that optimizer's learning rate survives (2/lr for plain SGD; 2(1 + μ)/lr with momentum μ). Where the solid line rises above its dashed one, the path is past its stability edge and starts to oscillate and grow. Adaptive optimizers scale their own steps and have no dashed line.",
  },
  accuracy: { title: "Accuracy", aria: "Share of rows classified right against step", caption: "The share of rows each network classifies right ((logit > 0) = y), at every step, on all the rows." },
  layers: {
    title: "Gradient norm per layer",
    aria: "Each Linear layer's weight-gradient norm against step, log scale",
    caption: "‖∇W‖ of each Linear layer's weights at every step (before clipping), L1 the input layer's. Lines far below the others are layers that barely learn (vanishing gradients, as in a deep sigmoid net); lines far above, or rising, are exploding gradients (too large an initialization).",
  },
  evals: { title: "Evaluations per step (L-BFGS)", aria: "Evaluations of the loss per step against step", caption: "How many times each L-BFGS step evaluated the loss and its gradient (its inner iterations and line search)." },
};

const subscript = (k) => String(k).replace(/\d/g, (d) => "₀₁₂₃₄₅₆₇₈₉"[d]);

/**
 * @param {import("./context.js").Context} ctx
 * @param {HTMLCanvasElement} chart The chart's canvas, named for what it shows.
 */
export function build(ctx, chart) {
  const { app } = ctx;
  const select = $("chart-kind", HTMLSelectElement);
  const fold = $("inspector", HTMLDetailsElement);
  const arrows = $("arrows", HTMLInputElement);
  const curvature = $("curvature", HTMLInputElement);
  const blocksBox = $("inspect-list");
  let kind = "loss";

  // The chart choices the runs offer; a choice that went away falls back to the loss.
  // The DOM is touched only when the choices or the choice change (this runs
  // at every redraw).
  let shownKinds = "";
  let shownKind = "";
  function syncKinds() {
    const kinds = app.chartKinds();
    if (!kinds.includes(kind)) kind = "loss";
    if (shownKinds !== kinds.join()) {
      shownKinds = kinds.join();
      select.replaceChildren(...kinds.map((k) => new Option(CHARTS[k].title, k)));
      shownKind = "";
    }
    if (shownKind !== kind) {
      shownKind = kind;
      select.value = kind;
      chart.setAttribute("aria-label", CHARTS[kind].aria);
      $("chart-caption").textContent = CHARTS[kind].caption;
    }
  }
  select.addEventListener("change", () => {
    kind = select.value;
    ctx.draw.dynamic();
    ctx.url.sync();
  });

  function drawChart() {
    syncKinds();
    app.drawChart(kind);
  }

  // A switch for something drawn on the plot: its box, the engine's setter
  // and the key that explains it; returns what shows or hides it.
  function plotSwitch(box, set, key) {
    const show = (on) => {
      box.checked = on;
      set(on);
      $(key).hidden = !on;
    };
    box.addEventListener("change", () => {
      show(box.checked);
      ctx.draw.dynamic();
      ctx.url.sync();
    });
    return show;
  }
  const showArrows = plotSwitch(arrows, (on) => app.setArrows(on), "arrow-key");
  const showCurvature = plotSwitch(curvature, (on) => app.setCurvature(on), "curvature-key");
  fold.addEventListener("toggle", () => {
    render();
    ctx.url.sync();
  });

  // What a link says is shown: chart=K, arrows=1, curvature=1, inspect=1
  // (the engine checked each).
  function applyLink(page) {
    if (page.arrows !== undefined) showArrows(page.arrows);
    if (page.curvature !== undefined) showCurvature(page.curvature);
    if (page.inspect !== undefined) fold.open = page.inspect;
    if (page.chart !== undefined) kind = page.chart;
    ctx.draw.dynamic();
  }
  // The same as link keys, where they differ from the page's defaults.
  function pageQuery() {
    return (kind !== "loss" ? `&chart=${kind}` : "") + (arrows.checked ? "&arrows=1" : "") + (curvature.checked ? "&curvature=1" : "") + (fold.open ? "&inspect=1" : "");
  }

  // The inspector's blocks, rebuilt at every step while it is open.
  function render() {
    if (!fold.open) return;
    const list = app.inspect();
    // Arrows and ellipses are drawn on the flat map only.
    arrows.disabled = curvature.disabled = app.isNetwork() || app.reliefAngle() !== undefined;
    if (app.isNetwork()) {
      const p = document.createElement("p");
      p.className = "ended";
      p.textContent = "A network's step moves every one of its weights at once, so there is no two-number update to show here. Its loss, accuracy and each layer's gradient are in the chart under the plot (pick them in Chart), and each network's output is in the panel above it.";
      blocksBox.replaceChildren(p);
      return;
    }
    const blocks = list.map((o) => {
      const sec = document.createElement("section");
      sec.style.setProperty("--swatch", o.color);
      const h = document.createElement("h3");
      h.textContent = o.ended === undefined ? `${o.label} · next: step ${o.step}, from θ${subscript(o.step - 1)}` : `${o.label} · at its last point, θ${subscript(o.step - 1)}`;
      sec.append(h);
      if (o.ended !== undefined) {
        const p = document.createElement("p");
        p.className = "ended";
        p.textContent = `No further step (${o.ended}). Press Reset or move the Step slider back to look inside a step.`;
        sec.append(p);
        return sec;
      }
      const ol = document.createElement("ol");
      o.lines.forEach((mathml, i) => {
        const li = document.createElement("li");
        // MathML pieces from the engine, rebuilt node by node (math.js),
        // with the plain line for screen readers.
        setMath(li, mathml);
        li.setAttribute("aria-label", o.text[i]);
        ol.append(li);
      });
      sec.append(ol);
      return sec;
    });
    if (!blocks.length) {
      const p = document.createElement("p");
      p.className = "ended";
      p.textContent = "Turn an optimizer on to see its steps.";
      blocks.push(p);
    }
    blocksBox.replaceChildren(...blocks);
  }

  return { drawChart, render, applyLink, pageQuery };
}
