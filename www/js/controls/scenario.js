// @ts-check
// The scenario picker (#scenario) and the lesson (#lesson). A scenario stays
// named while what it computes is unchanged (zooming, panning, colours and
// hiding a path change only the picture); after a real change the lesson
// says so and offers the way back, in the room it had (the plot under it does
// not move): its text faint while the function is the scenario's, the
// function's own description once it is another.

import { $, changedNote, scrollCue } from "../dom.js";
import { lockField } from "../lock.js";

/** Takes the first scenario's lesson, which the page's HTML opens with, off
 * a link's page before the engine has loaded: a link may show anything else. */
export function forLink() {
  if (location.search) $("lesson").textContent = "";
}

/** @param {import("../context.js").Context} ctx */
export function build(ctx) {
  const { app } = ctx;
  const select = $("scenario", HTMLSelectElement);
  const lesson = $("lesson");
  scrollCue(lesson);
  // The scenario last shown: page state, not the experiment's.
  let active = null;

  function fill() {
    for (const s of ctx.cat.scenarios) select.add(new Option(s.title, s.id));
    const lessons = ctx.lessons.pickerGroup();
    if (lessons) select.append(lessons);
  }
  function load(id) {
    if (ctx.lessons.active()) ctx.lessons.leave();
    // A link's question was about the experiment it came with.
    ctx.quiz.clear();
    ctx.quiz.forgetLink();
    if (ctx.edit(() => app.loadScenario(id))) {
      const asks = ctx.cat.scenarios.find((s) => s.id === id)?.quiz;
      app.step = asks ? 0 : app.maxStep();
      ctx.rebuild();
      ctx.draw.all();
      // Some ask first (the lesson, which answers it, waits meanwhile).
      if (asks) ctx.quiz.start(asks);
    }
  }
  function show() {
    // In a lesson, the lesson's bar says what the part shows.
    if (ctx.lessons.active()) {
      select.value = ctx.lessons.pickerValue();
      ctx.lessons.refresh();
      return;
    }
    const computed = app.computedQuery();
    const s = ctx.cat.scenarios.find((s) => s.computed === computed);
    if (s) active = s;
    select.value = s ? s.id : "";
    if (s || !active) {
      changedNote(lesson, null, s ? s.lesson : "");
      return;
    }
    const fn = app.experiment().function.name;
    const same = new URLSearchParams(active.computed).get("fn") === fn;
    // Another function: its own description, not the scenario's.
    const def = ctx.cat.functions.find((f) => f.name === fn);
    const text = same ? active.lesson : def ? `${def.title}: ${def.about}` : "";
    const id = active.id;
    changedNote(lesson, `You changed “${active.title}”, so its lesson may no longer hold.`, text,
      { label: `Back to “${active.title}”`, back: () => load(id), stale: same });
  }
  // The lesson is where it will stay: with `fill` (at the first frame) a
  // link's scenario's lesson is put in first (the page opened with the
  // first scenario's, and a link cleared it). From then on an empty lesson
  // keeps no room (style.css): the room was kept only while the engine loaded.
  /** @param {boolean} fill */
  function settle(fill) {
    if (fill && location.search) {
      const text = app.scenarioLesson() ?? "";
      if (lesson.textContent !== text) lesson.replaceChildren(text);
    }
    lesson.classList.add("settled");
  }
  select.addEventListener("change", () => {
    if (select.value.startsWith("lesson:")) {
      ctx.lessons.go(select.value.slice("lesson:".length), 1);
    } else if (select.value) {
      load(select.value);
    } else {
      // "Custom experiment": the lesson goes with the scenario.
      if (ctx.lessons.active()) ctx.lessons.leave();
      active = null;
      show();
    }
  });

  /** The scenario picked, or "" for a custom experiment. */
  const current = () => select.value;

  /** Disables the picker where a link locks anything: a scenario would replace all of it. */
  const lock = () => lockField(select);

  return { fill, show, settle, current, lock };
}
