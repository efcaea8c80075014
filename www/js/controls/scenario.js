// @ts-check
// The scenario picker (#scenario) and the lesson (#lesson). A scenario stays
// named while what it computes is unchanged (zooming, panning, colours and
// hiding a path change only the picture); after a real change the lesson
// says so and offers the way back.

import { $ } from "../dom.js";
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
      // (The text the page opened with stays the same node.)
      const text = s ? s.lesson : "";
      if (lesson.textContent !== text || lesson.children.length) lesson.replaceChildren(text);
      return;
    }
    const back = document.createElement("button");
    back.type = "button";
    back.className = "link-button";
    back.textContent = `Back to “${active.title}”`;
    const id = active.id;
    back.addEventListener("click", () => load(id));
    lesson.replaceChildren(`You changed “${active.title}”, so this may no longer hold: ${active.lesson} `, back);
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
