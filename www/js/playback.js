// @ts-check
// Playback: the Play, Step, Reset and Show complete buttons, the speed slider,
// the step slider (#scrub), the keys (Space, →, r) and the animation frame
// that advances the step.

import { $ } from "./dom.js";

/** @param {import("./context.js").Context} ctx */
export function build(ctx) {
  const { app } = ctx;
  const playButton = $("play", HTMLButtonElement);
  const stepButton = $("step", HTMLButtonElement);
  const resetButton = $("reset", HTMLButtonElement);
  const completeButton = $("complete", HTMLButtonElement);
  const speed = $("speed", HTMLInputElement);
  const scrub = $("scrub", HTMLInputElement);
  let playing = false;
  let lastFrame = 0;
  let carry = 0;

  function frame(t) {
    if (!playing) return;
    const rate = Number(speed.value); // steps per second
    carry += ((t - (lastFrame || t)) / 1000) * rate;
    lastFrame = t;
    const n = Math.floor(carry);
    if (n > 0) {
      carry -= n;
      app.step = app.step + n;
      ctx.draw.dynamic();
    }
    if (app.step >= app.maxStep()) {
      playing = false;
      ctx.status.render();
      return;
    }
    requestAnimationFrame(frame);
  }
  // Plays, or pauses when playing.
  // A question asked before the paths (quiz.js) holds them at step 0.
  const held = () => {
    if (!ctx.quiz?.holding()) return false;
    ctx.quiz.remind();
    return true;
  };
  function play() {
    if (playing) { pause(); return; }
    if (held()) return;
    if (app.step >= app.maxStep()) app.step = 0;
    playing = true;
    lastFrame = 0;
    carry = 0;
    ctx.draw.dynamic();
    requestAnimationFrame(frame);
  }
  function pause() {
    playing = false;
    ctx.status.render();
  }
  function stepOnce() {
    if (held()) return;
    playing = false;
    app.step = app.step + 1;
    ctx.draw.dynamic();
  }
  function reset() {
    playing = false;
    app.step = 0;
    ctx.draw.dynamic();
  }
  playButton.addEventListener("click", play);
  stepButton.addEventListener("click", stepOnce);
  resetButton.addEventListener("click", reset);
  completeButton.addEventListener("click", () => { if (held()) return; playing = false; app.step = app.maxStep(); ctx.draw.dynamic(); });
  // Dragging the step slider pauses and shows that step.
  scrub.addEventListener("input", () => {
    if (held()) return;
    playing = false;
    app.step = Number(scrub.value);
    ctx.draw.dynamic();
  });
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (t instanceof Element && t.closest("input, select, textarea, summary, a, [contenteditable]")) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === " " && !(t instanceof HTMLButtonElement)) { e.preventDefault(); play(); }
    else if (e.key === "ArrowRight") { e.preventDefault(); stepOnce(); }
    else if (e.key === "r" || e.key === "R") { reset(); }
  });

  // The step slider at the step shown; the Play button says what a press
  // would do.
  function showState() {
    scrub.max = String(app.maxStep());
    scrub.value = String(app.step);
    scrub.setAttribute("aria-valuetext", `step ${app.step} of ${app.maxStep()}`);
    playButton.textContent = playing ? "Pause" : "Play";
  }

  /** The buttons and the step slider off while a question waits for its
   * answer (quiz.js), on again after. @param {boolean} off */
  function hold(off) {
    for (const control of [playButton, stepButton, completeButton, scrub]) control.disabled = off;
  }

  // The speed a link asks for (`speed=N`); false when N is not allowed.
  /** The animation's speed, steps per second (the engine checked a link's). @param {number} n */
  function setSpeed(n) {
    speed.value = String(n);
  }
  /** The speed slider, for a problem with a link's speed=. @param {string} path */
  const control = (path) => (path === "speed" ? speed : null);

  return { play, pause, isPlaying: () => playing, showState, setSpeed, control, hold };
}
