// @ts-check
// @ts-check
// The plot (the paths' canvas, #reset-view, the hint under it and the key's
// start): click to move the start, drag its handle, drag to pan, scroll to
// zoom; on a touch screen one finger scrolls the page (a tap moves the start,
// the handle still drags) and two pan and pinch-zoom; one redraw per
// animation frame.

import { $ } from "./dom.js";
import { disable } from "./lock.js";

/**
 * @param {import("./context.js").Context} ctx
 * @param {HTMLCanvasElement} plot The paths' canvas, on top of the surface's.
 */
export function build(ctx, plot) {
  const { app, edit, draw } = ctx;
  const resetView = $("reset-view", HTMLButtonElement);
  const hint = $("plot-hint");
  const keyStart = $("key-start");
  let drag = null; // {mode: "start" | "pan" | "click" | "none", x, y}
  // Fingers on the plot (pointer id -> [x, y]) and, with two, their last
  // centre and spread.
  const fingers = new Map();
  let pinch = null;
  const pair = () => {
    const [[x0, y0], [x1, y1]] = [...fingers.values()];
    return { x: (x0 + x1) / 2, y: (y0 + y1) / 2, d: Math.max(1, Math.hypot(x1 - x0, y1 - y0)) };
  };
  // The browser scrolls the page under one finger (touch-action: pan-y), except
  // on the handle; two fingers are the plot's.
  const claim = (e) => {
    const t = e.touches;
    if (t.length >= 2) return e.preventDefault();
    const r = plot.getBoundingClientRect();
    if (e.type === "touchstart" && app.nearStart(t[0].clientX - r.left, t[0].clientY - r.top)) e.preventDefault();
  };
  plot.addEventListener("touchstart", claim, { passive: false });
  plot.addEventListener("touchmove", (e) => { if (e.touches.length >= 2 || drag?.mode === "start") e.preventDefault(); }, { passive: false });
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
  // Zooming and panning where a teacher's link locks the view: said, not done.
  const viewLocked = () => {
    if (!ctx.lock.locked("view")) return false;
    ctx.messages.notice("The view is locked by this link");
    return true;
  };
  const local = (e) => {
    const r = plot.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  plot.addEventListener("pointerdown", (e) => {
    if (e.pointerType === "touch") {
      fingers.set(e.pointerId, local(e));
      if (fingers.size === 2) {
        // A second finger: the first one's tap or drag gives way to pan and pinch.
        drag = null;
        pinch = pair();
        return;
      }
      if (fingers.size > 2) return;
    }
    // The main button of one pointer; a right click does nothing.
    if (e.button !== 0 || !e.isPrimary || drag) return;
    const [x, y] = local(e);
    plot.setPointerCapture(e.pointerId);
    drag = { mode: app.nearStart(x, y) && !ctx.lock.locked("start") ? "start" : "click", x, y, id: e.pointerId };
  });
  const endDrag = () => { drag = null; placeTools(); };
  const lift = (e) => {
    if (!fingers.delete(e.pointerId)) return;
    if (pinch && fingers.size < 2) {
      pinch = null;
      ctx.url.sync();
    }
  };
  plot.addEventListener("pointerup", lift);
  plot.addEventListener("pointercancel", lift);
  plot.addEventListener("pointercancel", endDrag);
  plot.addEventListener("lostpointercapture", (e) => { if (drag && e.pointerId === drag.id && drag.mode !== "click") endDrag(); });
  plot.addEventListener("pointermove", (e) => {
    if (fingers.has(e.pointerId)) fingers.set(e.pointerId, local(e));
    if (pinch && fingers.size === 2) {
      if (viewLocked()) return;
      const now = pair();
      const [dx, dy] = [now.x - pinch.x, now.y - pinch.y];
      const factor = pinch.d / now.d;
      pinch = now;
      if (edit(() => { app.pan(dx, dy); app.zoom(now.x, now.y, factor); })) schedule(() => draw.all(true));
      return;
    }
    if (!drag || e.pointerId !== drag.id) return;
    const [x, y] = local(e);
    // A finger that moves off a tap is scrolling the page, not panning.
    if (drag.mode === "click" && Math.hypot(x - drag.x, y - drag.y) > 4) drag.mode = e.pointerType === "touch" ? "none" : "pan";
    if (drag.mode === "start") {
      const p = app.pick(x, y);
      if (p && edit(() => app.moveStart(p[0], p[1]))) schedule(draw.dynamic);
    } else if (drag.mode === "pan") {
      if (viewLocked()) return;
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
    // A network starts at its initial weights: a click moves nothing; nor
    // does it where a teacher's link locks the start.
    if (drag.mode === "click" && ctx.lock.locked("start")) {
      ctx.messages.notice("The start is locked by this link");
    } else if (drag.mode === "click" && !app.isNetwork()) {
      const p = app.pick(x, y);
      if (p && edit(() => app.moveStart(p[0], p[1]))) draw.dynamic();
    }
    if (drag.mode === "start" || drag.mode === "pan") ctx.url.sync();
    ctx.surface.showStart();
    drag = null;
  });
  plot.addEventListener("wheel", (e) => {
    e.preventDefault();
    if (viewLocked()) return;
    const [x, y] = local(e);
    if (edit(() => app.zoom(x, y, Math.pow(1.0015, e.deltaY)))) schedule(() => draw.all(true));
  }, { passive: false });
  resetView.addEventListener("click", () => {
    // In relief, the first angle too.
    if (ctx.relief.on()) ctx.relief.reset();
    if (edit(() => app.resetView())) draw.all();
  });

  // What the key calls the white dot: in relief it is not a handle.
  function startKey() {
    if (app.isNetwork()) return "θ0, the initial weights";
    return ctx.relief.on() ? "start" : ctx.lock.locked("start") ? "start (locked by this link)" : "start (drag it)";
  }

  // What the plot answers to: moving the start (unless a network's, or a
  // teacher's link locks it) and the view (unless locked).
  /** @param {boolean} network */
  function plotHint(network) {
    const start = !network && !ctx.lock.locked("start");
    const view = !ctx.lock.locked("view");
    const touch = matchMedia("(pointer: coarse)").matches;
    const moves = [
      start && (touch ? "tap the plot to move the start or drag the white handle" : "click the plot to move the start, drag the white handle"),
      view && (touch ? "scroll the page with one finger, pan and pinch to zoom with two" : "scroll to zoom, drag to pan"),
    ].filter(Boolean);
    const first = network ? "The white dot is θ0, the initial weights every optimizer starts from." : "";
    const locked = [!network && !start && "the start", !view && "the view"].filter(Boolean);
    const sentence = (s) => s.charAt(0).toUpperCase() + s.slice(1);
    return [
      first,
      moves.length ? sentence(`${moves.join("; ")}.`) : "",
      locked.length ? `This link locks ${locked.join(" and ")}.` : "",
    ].filter(Boolean).join(" ");
  }

  // 3D and Reset view sit in a corner of the plotting area; when the start
  // handle or a path's end lies under them (or a finger's width from them),
  // they move to the next corner that is clear: top right, top left,
  // bottom right, bottom left.
  const tools = $("plot-tools");
  const CORNERS = [[], ["at-left"], ["at-bottom"], ["at-bottom", "at-left"]];
  const REACH = 16; // CSS px around a point that a tap may aim at
  let clearOf = "";
  function placeTools() {
    // Not while a drag or pinch moves the view or the handle (the buttons
    // would hop under the pointer): once it ends.
    if (drag || pinch) return;
    const points = app.keepClear();
    const key = Array.from(points, Math.round).join();
    if (key === clearOf) return;
    clearOf = key;
    const covered = () => {
      const p = plot.getBoundingClientRect();
      const t = tools.getBoundingClientRect();
      for (let i = 0; i + 1 < points.length; i += 2) {
        const x = points[i] + p.left;
        const y = points[i + 1] + p.top;
        if (x > t.left - REACH && x < t.right + REACH && y > t.top - REACH && y < t.bottom + REACH) return true;
      }
      return false;
    };
    for (const corner of CORNERS) {
      tools.classList.remove("at-left", "at-bottom");
      tools.classList.add(...corner);
      if (!covered()) return;
    }
    // Nowhere clear (points in every corner): the usual place.
    tools.classList.remove("at-left", "at-bottom");
  }

  /** The hint under the plot and the key's start say what can be done with
   * it now: the flat map's hint, or none while the relief shows its own. */
  function showHints() {
    keyStart.textContent = startKey();
    hint.textContent = plotHint(app.isNetwork());
    hint.hidden = ctx.relief.on();
  }

  /** Disables Reset view where a link locks the view (lock.js). @param {string[]} parts */
  function lock(parts) {
    if (parts.includes("view")) disable(resetView);
  }

  return { showHints, lock, placeTools };
}
