// The order the page comes up in: the plot first, then the controls a piece
// per task so that the page answers input in between; the performance marks.

const nextTask = () => new Promise((done) => setTimeout(done, 0));

export async function firstFrame(ctx, catalogue) {
  const { app } = ctx;
  const hasExperiment = ctx.url.load();
  // A lesson's part, when the link has nothing else to show; a question
  // (the link's, or most of a lesson's) holds the paths back from the
  // first frame.
  const lesson = ctx.url.pageValue("lesson");
  const named = lesson !== null && lesson !== "1" && lesson !== "0";
  if (named && !hasExperiment) {
    try {
      app.loadLessonPart(lesson, Number(ctx.url.pageValue("part") ?? 1));
    } catch {
      // Said once the controls are up (lessons.applyLink).
    }
  }
  const linkAsks = ctx.url.pageValue("predict") !== null || ctx.url.pageValue("question") !== null;
  const asks = named || linkAsks;
  // A link's view3d shows the relief from the first frame; hide= hides
  // parts of the page before it is drawn; lock= holds parts of the
  // experiment as the link gave them.
  const linkProblems = [ctx.relief.applyLink(ctx.url.pageValue), ctx.teaching.applyLink(ctx.url.pageValue), ctx.lock.applyLink(ctx.url.pageValue)].filter(Boolean);
  if (linkProblems.length) ctx.messages.showError(`Part of this link could not be used, and is left out: ${linkProblems.join("; ")}.`);
  app.step = asks ? 0 : app.maxStep();
  // Nothing plays, and no text gives the answer away, before it is asked.
  ctx.quiz.hold(asks);
  // Before the plot is laid out, so that it does not move once drawn. (A
  // lesson=NAME link keeps the room until the controls say whether the
  // lesson is there, below: it hides this one.)
  if (!named) ctx.scenario.settle(true);
  ctx.panels.init();
  ctx.layout.measure(true);
  // The surface and the paths in one task: the first frame is complete.
  app.drawSurface(true);
  ctx.draw.dynamic();
  performance.mark("optiviz-drawn");
  // The first complete frame is painted by the next animation frame.
  requestAnimationFrame(() => performance.mark("optiviz-first-frame"));
  ctx.draw.refine();
  await nextTask();
  // The catalogue (every function and optimizer, with MathML) is only needed
  // for the controls.
  ctx.cat = catalogue();
  ctx.surface.fill();
  ctx.cards.fill();
  ctx.scenario.fill();
  await nextTask();
  ctx.surface.render();
  ctx.gradients.render();
  ctx.scenario.show();
  ctx.panels.sync();
  await ctx.cards.renderGradually(nextTask);
  ctx.status.render();
  window.optiviz = ctx.api;
  performance.mark("optiviz-controls");
  // The address follows what is shown, a link's bad keys left out.
  ctx.url.write();
  // The page's own keys: the animation's speed, and playing from the start.
  const speed = ctx.url.pageValue("speed");
  if (speed !== null && !ctx.playback.setSpeed(speed)) {
    ctx.messages.showError(`speed: must be a whole number of steps per second in [1, 200], got ${speed}`);
  }
  // The lesson (which may ask its part's question), else the link's question.
  const asked = ctx.lessons.applyLink(ctx.url.pageValue, true);
  if (named) ctx.scenario.settle(false);
  if (ctx.lessons.active()) {
    if (linkAsks) asked.push("predict, question: a lesson asks its own questions");
  } else {
    asked.push(...ctx.quiz.applyLink(ctx.url.pageValue));
  }
  // Held back for nothing (a part with no question, a question at fault).
  if (asks && !ctx.quiz.holding()) {
    ctx.quiz.hold(false);
    app.step = app.maxStep();
    ctx.draw.dynamic();
  }
  const shown = [...asked, ...ctx.inspector.applyLink(ctx.url.pageValue)];
  if (shown.length) ctx.messages.showError(`Part of this link could not be used, and is left out: ${shown.join("; ")}.`);
  ctx.url.write();
  const play = ctx.url.pageValue("play");
  if (play === "1") ctx.playback.play();
  else if (play !== null && play !== "0") ctx.messages.showError(`play: must be 1 (play once loaded) or 0, got ${play}`);
  document.body.classList.add("ready");
  window.dispatchEvent(new CustomEvent("optiviz-ready"));
}
