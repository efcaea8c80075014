// The plot (#surface, #paths, #reset-view): click to move the start, drag its
// handle, drag to pan, scroll to zoom, one redraw per animation frame.

import { $ } from "./dom.js";

export function build(ctx) {
  const { app, edit, draw } = ctx;
  const plot = $("paths");
  let drag = null; // {mode: "start" | "pan" | "click", x, y}
  // One redraw per animation frame; a surface redraw includes the paths.
  let pending = null;
  const schedule = (fn) => {
    if (pending) {
      if (fn !== draw.dynamic) pending = fn;
      return;
    }
    pending = fn;
    requestAnimationFrame(() => { const f = pending; pending = null; f(); });
  };
  const local = (e) => {
    const r = plot.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  plot.addEventListener("pointerdown", (e) => {
    // The main button of one pointer; a second finger or a right click does nothing.
    if (e.button !== 0 || !e.isPrimary || drag) return;
    const [x, y] = local(e);
    plot.setPointerCapture(e.pointerId);
    drag = { mode: app.nearStart(x, y) ? "start" : "click", x, y, id: e.pointerId };
  });
  const endDrag = () => { drag = null; };
  plot.addEventListener("pointercancel", endDrag);
  plot.addEventListener("lostpointercapture", (e) => { if (drag && e.pointerId === drag.id && drag.mode !== "click") endDrag(); });
  plot.addEventListener("pointermove", (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    const [x, y] = local(e);
    if (drag.mode === "click" && Math.hypot(x - drag.x, y - drag.y) > 4) drag.mode = "pan";
    if (drag.mode === "start") {
      const p = app.pick(x, y);
      if (p && edit(() => app.moveStart(p[0], p[1]))) schedule(draw.dynamic);
    } else if (drag.mode === "pan") {
      const dx = x - drag.x;
      const dy = y - drag.y;
      drag.x = x;
      drag.y = y;
      if (edit(() => app.pan(dx, dy))) schedule(() => draw.all(true));
    }
  });
  plot.addEventListener("pointerup", (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    const [x, y] = local(e);
    if (drag.mode === "click") {
      const p = app.pick(x, y);
      if (p && edit(() => app.moveStart(p[0], p[1]))) draw.dynamic();
    }
    if (drag.mode !== "click") ctx.url.sync();
    ctx.surface.showStart();
    drag = null;
  });
  plot.addEventListener("wheel", (e) => {
    e.preventDefault();
    const [x, y] = local(e);
    if (edit(() => app.zoom(x, y, Math.pow(1.0015, e.deltaY)))) schedule(() => draw.all(true));
  }, { passive: false });
  $("reset-view").addEventListener("click", () => {
    app.resetView();
    ctx.url.sync();
    draw.all();
  });

  // The plot as one picture: the surface with the paths over it.
  function composite() {
    const s = $("surface");
    const c = document.createElement("canvas");
    c.width = s.width;
    c.height = s.height;
    const g = c.getContext("2d");
    g.drawImage(s, 0, 0);
    g.drawImage(plot, 0, 0);
    return c;
  }

  return { composite };
}
