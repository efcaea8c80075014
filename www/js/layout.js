// @ts-check
// Sizes the engine's canvases to their boxes (#plot, the chart's and the
// data panel's) on resize and on a light or dark theme change; the plot's
// size for figures; where the sticky plot column sticks.

import { $, find } from "./dom.js";

// A box's CSS size in whole pixels, at least the given minimum.
const size = (el, minW, minH) => [Math.max(minW, Math.floor(el.clientWidth)), Math.max(minH, Math.floor(el.clientHeight))];

/**
 * @param {import("./context.js").Context} ctx
 * @param {{ chart: HTMLCanvasElement, data: HTMLCanvasElement }} canvases
 */
export function build(ctx, { chart, data }) {
  const { app } = ctx;
  const system = matchMedia("(prefers-color-scheme: dark)");
  // A link's theme= (url.js sets data-theme), else the reader's system.
  const dark = { get matches() { const t = document.documentElement.dataset.theme; return t ? t === "dark" : system.matches; } };
  const plot = $("plot");
  // The stylesheet sizes every box (so nothing shifts when they are drawn).
  const plotSize = () => size(plot, 200, 150);
  let laidOut = "";
  // Sizes the canvases to their boxes; true when anything changed.
  function measure(force = false) {
    const [w, h] = plotSize();
    const [cw, ch] = size(chart, 200, 100);
    const [dw, dh] = size(data, 200, 100);
    const key = `${w}x${h} ${cw}x${ch} ${dw}x${dh} ${devicePixelRatio} ${dark.matches}`;
    if (key === laidOut && !force) return false;
    laidOut = key;
    app.setDark(dark.matches);
    app.resize([w, h, cw, ch, dw, dh], devicePixelRatio || 1);
    return true;
  }
  function layout(force = false) {
    if (measure(force)) ctx.draw.all(true);
  }
  system.addEventListener("change", () => layout());
  let resizeTimer = 0;
  const resizer = new ResizeObserver(() => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => layout(), 60);
  });
  resizer.observe(plot);
  // A plot column taller than the window sticks by its foot, not its head,
  // so every part of it can be scrolled to.
  const column = find(document, ".plot-column", HTMLElement);
  const stick = () => column.style.setProperty("--stick", `${Math.min(0, innerHeight - column.offsetHeight)}px`);
  new ResizeObserver(stick).observe(column);
  addEventListener("resize", stick);

  /** Lays out again whenever `box` changes size (a panel that comes and goes). @param {Element} box */
  const watch = (box) => resizer.observe(box);

  return { measure, plotSize, watch, isDark: () => dark.matches };
}
