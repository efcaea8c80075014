// @ts-check
// What depends on the experiment as a whole: the data panel's presence
// (#data-figure) and caption, and the note under the plot (#surface-note).

import { $ } from "./dom.js";

/** @param {import("./context.js").Context} ctx */
export function build(ctx) {
  const { app } = ctx;
  const figure = $("data-figure");

  // The panel is there for a model or a network, styled for a network;
  // asked cheaply, so the first frame can place it before anything is
  // measured (the rest of info() waits for sync()). True when it moved.
  function place() {
    const network = app.isNetwork();
    const show = !!app.modelKind() || network;
    if (figure.hidden !== show && figure.classList.contains("network") === network) return false;
    figure.hidden = !show;
    figure.classList.toggle("network", network);
    return true;
  }
  function sync() {
    const info = app.info();
    // The key names the extra marks the shown optimizers draw.
    const series = app.experiment().optimizers.filter((o) => o.enabled !== false).map((o) => ctx.cat.optimizers.find((d) => d.name === o.name)?.series);
    $("key-second").hidden = !series.some((s) => s === "eval_points" || s === "slow_points");
    $("key-ticks").hidden = !series.includes("ascent_points");
    if (place()) {
      ctx.layout.measure(true);
      ctx.draw.all(true);
    }
    const net = info.network;
    $("data-caption").textContent = net
      ? (net.task === "classification"
        ? `Each shown optimizer's network at the current step over the input plane (x1 across, x2 up): its P(y = 1) from blue (0) through white to orange (1), its decision boundary (where P = 1/2) in its colour, and the ${info.rows} rows coloured by their class.`
        : `Each shown optimizer's network at the current step over the input plane (x1 across, x2 up): its prediction as colour, and the ${info.rows} rows coloured by their y on the same scale.`)
      : info.model === "linear"
      ? `${info.rows} points and each optimizer's line y = w x + b at the current step.`
      : info.model === "logistic"
        ? `${info.rows} points (y = 0 or 1), each optimizer's P(y = 1) = sigmoid(w x + b) and its decision boundary (dashed) at the current step.`
        : info.model === "least_squares_2d"
          ? `${info.rows} rows, each drawn at its actual y (across) and its predicted ŷ = w1 x1 + w2 x2 (up): in grey at the least-squares fit, in each optimizer's colour at its weights at the current step; on the dashed diagonal ŷ = y the fit is perfect.`
          : "";
    const gaps = info.gaps && "Hatched grey: where f has no value (not a finite number, such as the log of a negative number); a path that steps there stops as diverged.";
    // How much of the motion the landscape's plane shows.
    const plane = net && (net.plane === "random"
      ? `The landscape: the full-data loss of the network's ${net.params} weights on a random plane through θ0 (filter-normalised directions).`
      : net.explained === null || !Number.isFinite(net.explained)
        ? `The landscape: the full-data loss of the network's ${net.params} weights on the plane through θ0; nothing moved yet to choose it by.`
        : `This plane holds ${Math.round(100 * net.explained)}% of the motion: the landscape is the full-data loss of the network's ${net.params} weights on the plane through θ0 along which the optimizers moved most; paths drawn on it are their projections.`);
    const note = $("surface-note");
    note.textContent = [plane, gaps, info.note, info.curvature, info.link && `Not linkable: ${info.link}`].filter(Boolean).join(" ");
    // f has no value at the start (log x at x < 0): said first, with the
    // nearest start where it has one.
    const instead = info.start_instead;
    if (instead) {
      const [x, y] = app.experiment().start;
      const [a, b] = info.axes;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = `Start at (${instead[0]}, ${instead[1]}) instead`;
      button.addEventListener("click", () => {
        if (ctx.edit(() => app.set("start", instead))) {
          ctx.rebuild();
          ctx.draw.all();
        }
      });
      const said = document.createElement("strong");
      said.textContent = `f has no value at the start (${a} = ${x}, ${b} = ${y}), so every path stops there at step 0. `;
      const line = document.createElement("span");
      line.className = "start-instead";
      line.append(said, button);
      note.prepend(line);
    }
  }

  // The first frame places the panel alone; from then on the canvases are
  // laid out again whenever it changes size.
  function init() {
    ctx.layout.watch(figure);
    return place();
  }

  return { init, sync, showsData: () => !figure.hidden };
}
