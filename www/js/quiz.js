// @ts-check
// Predict, then reveal: before the paths are shown the page asks, and holds
// the animation at step 0 until the reader answers. Either "Where will
// <optimizer> be after <steps> steps?" (a click on the plot, or a marker moved
// with the arrow keys and Enter), then the animation plays and the guess is
// shown beside the real end with the distance between them; or a question
// with choices, marked right or wrong, then the animation plays. A link asks
// with predict=N or question=…&choices=A|B|C&answer=K; a lesson's part asks
// its own.

import { $ } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";

/**
 * @param {import("./context.js").Context} ctx
 * @param {HTMLCanvasElement} plot The paths' canvas, where a guess is clicked.
 */
export function build(ctx, plot) {
  const { app } = ctx;
  const box = $("quiz");
  const ask = $("quiz-ask");
  const help = $("quiz-help");
  const choicesBox = $("quiz-choices");
  const result = $("quiz-result");
  const again = $("quiz-again");
  const skip = $("quiz-skip");
  const marks = $("quiz-marks", SVGSVGElement);

  // What is asked, as the link, a lesson or a scenario says it:
  // {predict: N} or {question, choices, answer}, N and answer from 1; and
  // `quiz`, the same with `predict` an optimizer's index. The link's own
  // question is kept for the link.
  let asked = null;
  let quiz = null;
  let fromLink = null;
  // "ask" (paths held at step 0), "playing" (answered, the animation on its
  // way to the end), "done" (the answer shown).
  let phase = null;
  let guess = null; // [x, y] in data units
  let marker = null; // the keyboard's marker before Enter, [x, y]
  let after = null; // what to do once the answer is shown

  const label = (i) => app.statuses()[i]?.label ?? ctx.messages.groupName(i);
  const fmt = (v) => Number(v.toPrecision(3));

  /** Starts asking `q` ({predict: N} or {question, choices, answer}, N and
   * answer from 1); `reveal` is said once answered, `done` called then. */
  function start(q, reveal = "", done = null) {
    asked = q;
    quiz = q.predict !== undefined ? { predict: q.predict - 1 } : q;
    after = done;
    guess = marker = null;
    phase = "ask";
    ctx.playback.pause();
    // The flat map: a guess is a point on it.
    if (ctx.relief.on()) ctx.relief.setOn(false);
    app.step = 0;
    box.hidden = false;
    box.dataset.reveal = reveal;
    result.textContent = "";
    again.hidden = true;
    skip.hidden = false;
    choicesBox.replaceChildren();
    if (quiz.predict !== undefined) {
      const steps = app.experiment().steps;
      const touch = matchMedia("(pointer: coarse)").matches;
      ask.textContent = `Where will ${label(quiz.predict)} be after ${steps} ${steps === 1 ? "step" : "steps"}? ${touch ? "Tap" : "Click"} your guess.`;
      help.textContent = "Or, with the plot focused, move the marker with the arrow keys (Shift for larger moves) and press Enter.";
      choicesBox.hidden = true;
    } else {
      ask.textContent = q.question;
      help.textContent = "The paths are shown once you have answered.";
      choicesBox.hidden = false;
      q.choices.forEach((c, k) => {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = c;
        b.addEventListener("click", () => choose(k + 1, b));
        choicesBox.append(b);
      });
    }
    holdControls(true);
    // Drawn at step 0, the marks with it (`check`).
    ctx.draw.dynamic();
  }

  // Playback waits for the answer, and so does the 3D view.
  function holdControls(on) {
    ctx.playback.hold(on);
    ctx.relief.hold(on);
    document.body.classList.toggle("quiz-asking", on);
  }

  /** Holds playback (or lets it go) before a question is up: a link that
   * asks holds it from the first frame. */
  const hold = (on) => { if (!holding()) holdControls(on); };

  /** Whether the paths are held back until an answer. */
  const holding = () => phase === "ask";

  /** Said when playback is tried before an answer. */
  function remind() {
    ctx.messages.notice("Answer the question above the plot first");
  }

  // What is said, with the text for after the answer.
  const say = (text) => { result.textContent = [text, box.dataset.reveal].filter(Boolean).join(" "); };

  // Answered (or skipped): the controls back and the animation from step 0;
  // the answer is shown once it reaches the end (`check`).
  function answered() {
    phase = "playing";
    holdControls(false);
    help.textContent = "";
    skip.hidden = true;
    app.step = 0;
    if (ctx.playback.isPlaying()) ctx.draw.dynamic();
    else ctx.playback.play();
  }

  // A question's choices done with, the right one marked; its text.
  function markRight() {
    for (const b of choicesBox.children) if (b instanceof HTMLButtonElement) b.disabled = true;
    choicesBox.children[quiz.answer - 1].classList.add("right");
    // The focused button is disabled now: the focus goes on to "Ask me again".
    again.hidden = false;
    again.focus();
    return quiz.choices[quiz.answer - 1];
  }

  function commitGuess(p) {
    guess = p;
    marker = null;
    result.textContent = `Your guess: (${fmt(p[0])}, ${fmt(p[1])}). Now watch where it goes.`;
    answered();
  }

  function choose(k, button) {
    if (phase !== "ask") return;
    const right = k === quiz.answer;
    button.setAttribute("aria-pressed", "true");
    button.classList.add(right ? "right" : "wrong");
    const answer = markRight();
    say(right ? `Right: ${answer}.` : `Not this one: the answer is ${answer}.`);
    answered();
  }

  /** After each drawing: the marks follow the view; the answer is shown
   * once the animation reaches the end. */
  function check() {
    // An edit took the optimizer asked about away: nothing left to ask.
    if (quiz?.predict !== undefined && quiz.predict >= app.experiment().optimizers.length) clear();
    if (phase === "ask" && app.step !== 0) app.step = 0;
    if (phase === "playing" && app.step >= app.maxStep()) reveal();
    drawMarks();
  }

  function reveal() {
    phase = "done";
    again.hidden = false;
    if (quiz.predict !== undefined) {
      const end = app.endPoint(quiz.predict);
      const name = label(quiz.predict);
      const ended = end && `${name} ended at (${fmt(end[0])}, ${fmt(end[1])}) after ${end[2]} ${end[2] === 1 ? "step" : "steps"}`;
      if (!end) {
        say(`${name} left the numbers behind (it diverged), so no guess could be near it.`);
      } else if (!guess) {
        say(`${ended}.`);
      } else {
        const d = Math.hypot(end[0] - guess[0], end[1] - guess[1]);
        const w = app.viewWindow();
        const share = d / Math.hypot(w[1] - w[0], w[3] - w[2]);
        say(`${ended}; your guess (${fmt(guess[0])}, ${fmt(guess[1])}) was ${fmt(d)} away, ${Math.round(share * 100)}% of the plot's diagonal.`);
      }
    }
    after?.();
  }

  /** Ends any question: the paths shown as usual. */
  function clear() {
    quiz = asked = null;
    phase = null;
    guess = marker = null;
    press = null;
    box.hidden = true;
    holdControls(false);
    marks.replaceChildren();
  }

  again.addEventListener("click", () => { if (asked) start(asked, box.dataset.reveal, after); });
  // No answer: the paths play, and what they show is said at the end.
  skip.addEventListener("click", () => {
    if (!holding()) return;
    if (quiz.predict === undefined) {
      say(`The answer: ${markRight()}.`);
    } else {
      again.hidden = false;
      again.focus();
    }
    answered();
  });

  // The guess, the keyboard's marker and, once shown, the real end with a
  // dashed line between.
  function dot(p, cls, text) {
    const [x, y] = app.toCss(p[0], p[1]);
    const g = document.createElementNS(SVG, "g");
    g.setAttribute("class", cls);
    const ring = document.createElementNS(SVG, "circle");
    ring.setAttribute("cx", String(x));
    ring.setAttribute("cy", String(y));
    ring.setAttribute("r", "8");
    const cross = document.createElementNS(SVG, "path");
    cross.setAttribute("d", `M${x - 12} ${y} H${x + 12} M${x} ${y - 12} V${y + 12}`);
    const t = document.createElementNS(SVG, "text");
    t.setAttribute("x", String(x + 12));
    t.setAttribute("y", String(y - 12));
    t.textContent = text;
    g.append(ring, cross, t);
    return g;
  }
  function drawMarks() {
    marks.replaceChildren();
    if (!quiz || quiz.predict === undefined || ctx.relief.on()) return;
    const end = phase === "done" ? app.endPoint(quiz.predict) : null;
    if (guess && end) {
      const [a, b] = [app.toCss(guess[0], guess[1]), app.toCss(end[0], end[1])];
      const line = document.createElementNS(SVG, "line");
      line.setAttribute("x1", String(a[0]));
      line.setAttribute("y1", String(a[1]));
      line.setAttribute("x2", String(b[0]));
      line.setAttribute("y2", String(b[1]));
      line.setAttribute("class", "quiz-gap");
      marks.append(line);
    }
    if (marker) marks.append(dot(marker, "quiz-marker", "your guess? Enter"));
    if (guess) marks.append(dot(guess, "quiz-guess", "your guess"));
    if (end) marks.append(dot(end, "quiz-end", "where it ended"));
  }

  // A click or tap on the plot is the guess (the plot's own handlers, under
  // this one, would move the start); a finger that moves is scrolling the
  // page, not guessing.
  let press = null;
  const asking = () => holding() && quiz.predict !== undefined;
  plot.addEventListener("pointerdown", (e) => {
    if (!asking()) return;
    e.stopImmediatePropagation();
    press = e.button === 0 && e.isPrimary ? { id: e.pointerId, x: e.clientX, y: e.clientY } : null;
  }, { capture: true });
  plot.addEventListener("pointerup", (e) => {
    if (!asking()) return;
    e.stopImmediatePropagation();
    if (!press || e.pointerId !== press.id || Math.hypot(e.clientX - press.x, e.clientY - press.y) > 6) return;
    press = null;
    const r = plot.getBoundingClientRect();
    const p = app.pick(e.clientX - r.left, e.clientY - r.top);
    if (p) commitGuess(p);
  }, { capture: true });
  plot.addEventListener("pointercancel", () => { press = null; }, { capture: true });
  // With the plot focused: the arrows move a marker (from the start), Enter
  // makes it the guess.
  plot.addEventListener("keydown", (e) => {
    if (!holding() || quiz.predict === undefined || e.ctrlKey || e.metaKey || e.altKey) return;
    const w = app.viewWindow();
    const unit = (e.shiftKey ? 0.1 : 0.02);
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    if (moves[e.key]) {
      e.preventDefault();
      e.stopImmediatePropagation();
      const from = marker ?? app.experiment().start ?? [(w[0] + w[1]) / 2, (w[2] + w[3]) / 2];
      const [dx, dy] = moves[e.key];
      marker = [
        Math.min(w[1], Math.max(w[0], from[0] + dx * unit * (w[1] - w[0]))),
        Math.min(w[3], Math.max(w[2], from[1] + dy * unit * (w[3] - w[2]))),
      ];
      result.textContent = `Marker at (${fmt(marker[0])}, ${fmt(marker[1])}); Enter to make it your guess.`;
      drawMarks();
    } else if (e.key === "Enter" && marker) {
      e.preventDefault();
      e.stopImmediatePropagation();
      commitGuess(marker);
    }
  }, { capture: true });

  /** Asks a link's predict=N, or question=…&choices=A|B|C&answer=K (the
   * engine checked them, and kept a question only whole). */
  function applyLink(page) {
    if (page.predict !== undefined) fromLink = { predict: page.predict };
    else if (page.question !== undefined) fromLink = { question: page.question, choices: page.choices, answer: page.answer };
    if (fromLink) start(fromLink);
  }

  /** The link's part for the link's own question. */
  function pageQuery() {
    if (!fromLink) return "";
    if (fromLink.predict !== undefined) return `&predict=${fromLink.predict}`;
    const e = encodeURIComponent;
    return `&question=${e(fromLink.question)}&choices=${fromLink.choices.map(e).join("|")}&answer=${fromLink.answer}`;
  }

  /** Drops the link's question (a lesson asks its own). */
  function forgetLink() {
    fromLink = null;
  }

  return { start, clear, hold, holding, remind, check, applyLink, pageQuery, forgetLink };
}
