// What depends on the experiment as a whole: the data panel's presence
// (#data-figure) and caption, and the note under the plot (#surface-note).

import { $ } from "./dom.js";

export function build(ctx) {
  const { app } = ctx;
  const figure = $("data-figure");

  // The first frame: the panel is there or not before anything is measured.
  function init() {
    figure.hidden = !app.info().model;
  }
  function sync() {
    const info = app.info();
    const show = !!info.model;
    if (figure.hidden === show) {
      figure.hidden = !show;
      ctx.layout.measure(true);
      ctx.draw.all(true);
    }
    $("data-caption").textContent = info.model === "linear"
      ? `${info.rows} points and each optimizer's line y = w x + b at the current step.`
      : info.model === "logistic"
        ? `${info.rows} points (y = 0 or 1), each optimizer's P(y = 1) = sigmoid(w x + b) and its decision boundary (dashed) at the current step.`
        : info.model === "least_squares_2d"
          ? `${info.rows} rows, each drawn at its actual y (across) and its predicted ŷ = w1 x1 + w2 x2 (up): in grey at the least-squares fit, in each optimizer's colour at its weights at the current step; on the dashed diagonal ŷ = y the fit is perfect.`
          : "";
    const gaps = info.gaps && "Hatched grey: where f has no value (not a finite number, such as the log of a negative number); a path that steps there stops as diverged.";
    $("surface-note").textContent = [gaps, info.note, info.curvature, info.link && `Not linkable: ${info.link}`].filter(Boolean).join(" ");
  }

  return { init, sync, showsData: () => !figure.hidden };
}
