// @ts-check
// Lessons (#lesson-bar): a lesson's parts one after another, each an
// experiment with its text and, where it helps, a question asked before the
// paths (quiz.js), or a rule for the reader to write in its card, which
// "Check my rule" runs beside the part's goal (#lesson-build). Previous and
// Next (or P and N), "Part 3 of 8", and lesson=NAME&part=3 in the address.
// Started from the scenario picker's Lessons group, or by a link.

import { $, changedNote, scrollCue } from "./dom.js";
import { flushRules, holdsError } from "./controls/rule.js";

/** @param {import("./context.js").Context} ctx */
export function build(ctx) {
  const { app } = ctx;
  const bar = $("lesson-bar");
  scrollCue(bar);
  scrollCue($("lesson-text"));
  const prev = $("lesson-prev", HTMLButtonElement);
  const next = $("lesson-next", HTMLButtonElement);
  const build = $("lesson-build");
  const result = $("lesson-result");
  // {lesson, part (from 1)}, or null outside a lesson.
  let at = null;
  // The reader's rule as last checked, and the parts whose check passed.
  let checked = null;
  const passed = new Set();
  // Whether the part asks for the paths to wait for an answer (a rule to
  // write shows them at once).
  const asksFirst = (p) => !!p.quiz && !p.quiz.build;
  const yours = (p) => app.experiment().optimizers[p.quiz.build.yours - 1];

  const lessonOf = (id) => ctx.cat?.lessons.find((l) => l.id === id);

  /** Goes to part `part` (from 1) of lesson `id`; false (and said) when there is none. */
  function go(id, part) {
    if (!ctx.edit(() => app.loadLessonPart(id, part))) return false;
    at = { lesson: lessonOf(id), part };
    ctx.quiz.forgetLink();
    // A part that asks first shows nothing (nor announces it) before.
    app.step = asksFirst(at.lesson.parts[part - 1]) ? 0 : app.maxStep();
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
    const same = app.showsLessonPart(lesson.id, part);
    const id = lesson.id;
    changedNote($("lesson-text"), same ? null : "You changed this part, so its text may no longer hold.", p.text,
      { label: `Back to part ${part}`, back: () => go(id, part), stale: true });
    // Its question was about the part as it was.
    if (!same && ctx.quiz.holding()) ctx.quiz.clear();
    build.hidden = !p.quiz?.build;
    if (p.quiz?.build) {
      // A verdict holds for the rule it was about.
      if (checked && (checked.at !== `${id}:${part}` || checked.rule !== JSON.stringify(yours(p)))) {
        checked = null;
        result.textContent = "";
        result.className = "lesson-result";
      }
    }
    if (!ask) return;
    if (p.quiz?.build) {
      ctx.quiz.clear();
      checked = null;
      result.textContent = "";
      result.className = "lesson-result";
      $("lesson-reveal").textContent = passed.has(`${id}:${part}`) ? p.reveal : "";
    } else if (p.quiz) {
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
    // The rule's card loses its lesson's button.
    const wrote = ruleToCheck() >= 0;
    at = null;
    if (wrote) ctx.cards.render();
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
  // "Check my rule": what is typed read first, then the engine runs the
  // reader's rule and the goal and compares their paths.
  function check() {
    if (!at) return;
    const { lesson, part } = at;
    const p = lesson.parts[part - 1];
    flushRules();
    let r;
    try {
      r = app.checkLessonPart(lesson.id, part);
    } catch (e) {
      r = { passed: false, message: ctx.messages.problems(e)[0].message, step: null };
    }
    const i = p.quiz.build.yours - 1;
    const typed = holdsError(i) ? " Your rule's box holds an error: this is the last rule that read." : "";
    result.textContent = `${r.passed ? "✓ " : "Not yet. "}${r.message}${typed}`;
    result.className = `lesson-result ${r.passed ? "passed" : "failed"}`;
    checked = { at: `${lesson.id}:${part}`, rule: JSON.stringify(yours(p)) };
    if (r.passed) {
      passed.add(`${lesson.id}:${part}`);
      $("lesson-reveal").textContent = p.reveal;
    }
  }
  $("lesson-check").addEventListener("click", check);
  /** The optimizer (from 0) whose rule the part has the reader write, or -1. */
  const ruleToCheck = () => (at?.lesson.parts[at.part - 1].quiz?.build ? at.lesson.parts[at.part - 1].quiz.build.yours - 1 : -1);
  /** "Check my rule" from the rule's card: checked, and the verdict brought into view. */
  function checkHere() {
    check();
    result.scrollIntoView({ block: "center", behavior: "smooth" });
  }
  $("lesson-edit").addEventListener("click", () => {
    if (at) ctx.cards.focusRule(at.lesson.parts[at.part - 1].quiz.build.yours - 1);
  });
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
    const same = app.showsLessonPart(lesson.id, part);
    if (!hasExperiment) {
      ctx.quiz.forgetLink();
      app.step = asksFirst(lesson.parts[part - 1]) ? 0 : app.maxStep();
      ctx.rebuild();
      ctx.draw.all();
    } else if (ruleToCheck() >= 0) {
      // The link's own experiment: the rule's card gets the lesson's check.
      ctx.cards.render();
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

  return { go, pickerGroup, applyLink, pageQuery, pickerValue, leave, refresh: () => show(false), active: () => !!at, ruleToCheck, checkHere };
}
