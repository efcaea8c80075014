// @ts-check
// Lessons (#lesson-bar): a lesson's parts one after another, each an
// experiment with its text and, where it helps, a question asked before the
// paths (quiz.js). Previous and Next (or P and N), "Part 3 of 8", and
// lesson=NAME&part=3 in the address. Started from the scenario picker's
// Lessons group, or by a link.

import { $, changedNote, scrollCue } from "./dom.js";

/** @param {import("./context.js").Context} ctx */
export function build(ctx) {
  const { app } = ctx;
  const bar = $("lesson-bar");
  scrollCue(bar);
  scrollCue($("lesson-text"));
  const prev = $("lesson-prev", HTMLButtonElement);
  const next = $("lesson-next", HTMLButtonElement);
  // {lesson, part (from 1)}, or null outside a lesson.
  let at = null;

  const lessonOf = (id) => ctx.cat?.lessons.find((l) => l.id === id);

  /** Goes to part `part` (from 1) of lesson `id`; false (and said) when there is none. */
  function go(id, part) {
    if (!ctx.edit(() => app.loadLessonPart(id, part))) return false;
    at = { lesson: lessonOf(id), part };
    ctx.quiz.forgetLink();
    // A part that asks first shows nothing (nor announces it) before.
    app.step = at.lesson.parts[part - 1].quiz ? 0 : app.maxStep();
    ctx.rebuild();
    ctx.draw.all();
    show(true);
    ctx.url.sync();
    return true;
  }

  // The bar for the part shown; `ask`: put its question (if any) again.
  function show(ask) {
    document.body.classList.toggle("in-lesson", !!at);
    bar.hidden = !at;
    if (!at) return;
    const { lesson, part } = at;
    const p = lesson.parts[part - 1];
    $("lesson-title").textContent = lesson.title;
    $("lesson-progress").textContent = `${part} of ${lesson.parts.length}: ${p.title}`;
    prev.disabled = part <= 1;
    next.disabled = part >= lesson.parts.length;
    const same = app.computedQuery() === p.computed;
    const id = lesson.id;
    changedNote($("lesson-text"), same ? null : "You changed this part, so its text may no longer hold.", p.text,
      { label: `Back to part ${part}`, back: () => go(id, part), stale: true });
    // Its question was about the part as it was.
    if (!same && ctx.quiz.holding()) ctx.quiz.clear();
    if (!ask) return;
    if (p.quiz) {
      $("lesson-reveal").textContent = "";
      // The reveal goes under the lesson's text once answered.
      ctx.quiz.start(p.quiz, "", () => {
        $("lesson-reveal").textContent = p.reveal;
      });
    } else {
      ctx.quiz.clear();
      $("lesson-reveal").textContent = p.reveal;
    }
  }

  function leave() {
    at = null;
    ctx.quiz.clear();
    show(false);
    ctx.scenario.show();
    ctx.url.sync();
  }

  const step = (d) => {
    if (!at) return;
    const part = at.part + d;
    if (part >= 1 && part <= at.lesson.parts.length) go(at.lesson.id, part);
    // At either end its button is disabled: the focus goes to the other.
    const focused = document.activeElement;
    if (focused instanceof HTMLButtonElement && focused.disabled) (focused === next ? prev : next).focus();
  };
  prev.addEventListener("click", () => step(-1));
  next.addEventListener("click", () => step(1));
  $("lesson-leave").addEventListener("click", leave);
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (!at || e.ctrlKey || e.metaKey || e.altKey) return;
    if (t instanceof Element && t.closest("input, select, textarea, [contenteditable]")) return;
    if (e.key === "n" || e.key === "N") step(1);
    else if (e.key === "p" || e.key === "P") step(-1);
  });

  /** The scenario picker's Lessons group; null when there is no lesson. */
  function pickerGroup() {
    if (!ctx.cat.lessons.length) return null;
    const group = document.createElement("optgroup");
    group.label = "Lessons";
    for (const l of ctx.cat.lessons) group.append(new Option(`Lesson: ${l.title}`, `lesson:${l.id}`));
    return group;
  }

  /** A link's lesson=NAME&part=N (lesson=1 and 0 are the embed's flag for a
   * scenario's text; the engine checked the name and the part, and loaded
   * the part unless the link had its own experiment, which is kept: a
   * changed part stays changed). */
  function applyLink(page, hasExperiment) {
    const lesson = lessonOf(page.lesson);
    if (!lesson) return;
    const part = page.part ?? 1;
    at = { lesson, part };
    const same = app.computedQuery() === lesson.parts[part - 1].computed;
    if (!hasExperiment) {
      ctx.quiz.forgetLink();
      app.step = lesson.parts[part - 1].quiz ? 0 : app.maxStep();
      ctx.rebuild();
      ctx.draw.all();
    }
    show(same);
    if (!same) {
      ctx.quiz.clear();
      $("lesson-reveal").textContent = "";
    }
    ctx.url.sync();
  }

  /** The link's part: the lesson and where in it. */
  const pageQuery = () => (at ? `&lesson=${at.lesson.id}&part=${at.part}` : "");
  /** The picker's value while in a lesson. */
  const pickerValue = () => (at ? `lesson:${at.lesson.id}` : null);

  return { go, pickerGroup, applyLink, pageQuery, pickerValue, leave, refresh: () => show(false), active: () => !!at };
}
