// @ts-check
// The plot in relief (the "3D" switch): drag turns it, the wheel and a
// pinch zoom, a double-click goes back to the first angle; with the focus on
// the plot the arrow keys turn it and + and − zoom. The angle is the
// engine's (App.setRelief); the link carries it as view3d=yaw,pitch,zoom.
// Turning on tips the map up from straight above, unless the reader asks
// for reduced motion.

import { $ } from "./dom.js";

const DEFAULT = [-35, 30, 1];
// Degrees a CSS pixel of drag turns, a key press turns (with Shift, more).
const PER_PIXEL = 0.4;
const KEY_STEP = 5;
const KEY_STEP_SHIFT = 15;

/**
 * @param {import("./context.js").Context} ctx
 * @param {HTMLCanvasElement} plot The paths' canvas, which takes the pointer.
 */
export function build(ctx, plot) {
  const { app } = ctx;
  const button = $("view-3d", HTMLButtonElement);
  const reliefHint = $("relief-hint");
  const reduced = matchMedia("(prefers-reduced-motion: reduce)");
  const on = () => app.reliefAngle() !== undefined;

  // One frame per animation frame: the relief at CSS resolution while it
  // turns, at full resolution once still (draw.turned).
  let queued = false;
  function frame() {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      if (!on()) return;
      ctx.draw.turned();
      describe();
    });
  }
  let tween = 0;
  // Moves the view to `to` ([yaw, pitch, zoom]) over a third of a second
  // (at once with reduced motion); yaw the shorter way round.
  /** @param {ArrayLike<number>} to @param {ArrayLike<number> | null} [from] */
  function glide(to, from = app.reliefAngle()) {
    cancelAnimationFrame(tween);
    if (reduced.matches || !from) {
      app.setRelief(to[0], to[1], to[2]);
      frame();
      ctx.url.sync();
      return;
    }
    const turn = ((to[0] - from[0] + 540) % 360) - 180;
    const t0 = performance.now();
    const tick = (now) => {
      const u = Math.min(1, (now - t0) / 330);
      const e = 1 - (1 - u) ** 3;
      app.setRelief(from[0] + turn * e, from[1] + (to[1] - from[1]) * e, from[2] + (to[2] - from[2]) * e);
      ctx.draw.turned();
      if (u < 1) tween = requestAnimationFrame(tick);
      else {
        describe();
        ctx.url.sync();
      }
    };
    tween = requestAnimationFrame(tick);
  }

  function turn(dyaw, dpitch, zoom = 1) {
    const a = app.reliefAngle();
    if (!a) return;
    cancelAnimationFrame(tween);
    app.setRelief(a[0] + dyaw, a[1] + dpitch, a[2] * zoom);
    frame();
    ctx.url.sync();
  }

  // The plot's name says the angle, for a screen reader.
  function describe() {
    const a = app.reliefAngle();
    plot.setAttribute("aria-label", a
      ? `Loss surface in relief, turned ${Math.round(a[0])}°, tipped ${Math.round(a[1])}° above the floor, zoom ${Number(a[2].toFixed(2))}`
      : "Loss surface");
  }
  // The switch, the hint and the key follow the view.
  function show() {
    const relief = on();
    button.setAttribute("aria-pressed", String(relief));
    button.title = relief ? "Back to the flat map" : "Show the surface in relief, the paths on it";
    plot.classList.toggle("relief", relief);
    describe();
    reliefHint.hidden = !relief;
    ctx.plot.showHints();
    ctx.inspector.render();
  }

  function setOn(relief) {
    if (relief === on()) return;
    if (relief) {
      // From straight above, as the flat map shows it, down to the first angle.
      app.setRelief(0, 90, 1);
      show();
      glide(DEFAULT, reduced.matches ? null : [0, 90, 1]);
    } else {
      cancelAnimationFrame(tween);
      app.flatMap();
      show();
      ctx.draw.all();
      ctx.url.sync();
    }
  }
  button.addEventListener("click", () => setOn(!on()));

  // Pointer input on the plot is the relief's while it is shown: it stops
  // the flat map's handlers (plot.js), which listen after these.
  const fingers = new Map();
  let drag = null;
  let pinch = null;
  const local = (e) => {
    const r = plot.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  const mine = (e) => {
    if (!on()) return false;
    e.stopImmediatePropagation();
    return true;
  };
  plot.addEventListener("pointerdown", (e) => {
    if (!mine(e)) return;
    if (e.pointerType === "touch") {
      fingers.set(e.pointerId, local(e));
      if (fingers.size === 2) {
        const [[x0, y0], [x1, y1]] = [...fingers.values()];
        drag = null;
        pinch = { y: (y0 + y1) / 2, d: Math.max(1, Math.hypot(x1 - x0, y1 - y0)) };
        return;
      }
    }
    if (e.button !== 0 || !e.isPrimary) return;
    plot.setPointerCapture(e.pointerId);
    const [x, y] = local(e);
    drag = { x, y, id: e.pointerId };
  }, { capture: true });
  plot.addEventListener("pointermove", (e) => {
    if (!mine(e)) return;
    if (fingers.has(e.pointerId)) fingers.set(e.pointerId, local(e));
    if (pinch && fingers.size === 2) {
      // Two fingers: spread to zoom, move up and down to tip.
      const [[x0, y0], [x1, y1]] = [...fingers.values()];
      const now = { y: (y0 + y1) / 2, d: Math.max(1, Math.hypot(x1 - x0, y1 - y0)) };
      turn(0, (now.y - pinch.y) * PER_PIXEL, now.d / pinch.d);
      pinch = now;
      return;
    }
    if (!drag || e.pointerId !== drag.id) return;
    // A mouse whose button is up (its release went elsewhere) drags nothing.
    if (e.pointerType === "mouse" && e.buttons === 0) {
      drag = null;
      return;
    }
    const [x, y] = local(e);
    // One finger turns about the vertical only: up and down scroll the page.
    const tip = e.pointerType === "touch" ? 0 : (y - drag.y) * PER_PIXEL;
    turn((x - drag.x) * PER_PIXEL, tip);
    drag.x = x;
    drag.y = y;
  }, { capture: true });
  // A pointer let go: its state goes, even if the relief was switched off
  // meanwhile (the flat map's handlers then see the event too).
  const lift = (e) => {
    fingers.delete(e.pointerId);
    if (fingers.size < 2) pinch = null;
    if (drag && e.pointerId === drag.id) drag = null;
    if (on()) e.stopImmediatePropagation();
  };
  for (const type of ["pointerup", "pointercancel", "lostpointercapture"]) plot.addEventListener(type, lift, { capture: true });
  plot.addEventListener("wheel", (e) => {
    if (!mine(e)) return;
    e.preventDefault();
    turn(0, 0, Math.pow(1.0015, -e.deltaY));
  }, { capture: true, passive: false });
  plot.addEventListener("dblclick", (e) => {
    if (!mine(e)) return;
    glide(DEFAULT);
  });
  plot.addEventListener("keydown", (e) => {
    if (!on() || e.ctrlKey || e.metaKey || e.altKey) return;
    const d = e.shiftKey ? KEY_STEP_SHIFT : KEY_STEP;
    const keys = {
      ArrowLeft: () => turn(-d, 0),
      ArrowRight: () => turn(d, 0),
      ArrowUp: () => turn(0, d),
      ArrowDown: () => turn(0, -d),
      "+": () => turn(0, 0, 1.15),
      "=": () => turn(0, 0, 1.15),
      "-": () => turn(0, 0, 1 / 1.15),
      _: () => turn(0, 0, 1 / 1.15),
      "0": () => glide(DEFAULT),
    };
    const act = keys[e.key];
    if (!act) return;
    // Not the page's own keys (→ steps the animation).
    e.preventDefault();
    e.stopPropagation();
    act();
  });

  /** Shows the relief a link's view3d set (the engine applied the angle). */
  function applyLink(page) {
    if (page.view3d !== undefined) show();
  }
  /** The view's part of a link. */
  function pageQuery() {
    const t = app.reliefText();
    return t === undefined ? "" : `&view3d=${t}`;
  }
  /** Back to the first angle (the Reset view button, in relief). */
  function reset() {
    glide(DEFAULT);
  }

  /** The switch off while a question waits for its answer (quiz.js), on again after. @param {boolean} off */
  function hold(off) {
    button.disabled = off;
  }

  return { on, show, applyLink, pageQuery, reset, setOn, hold };
}
