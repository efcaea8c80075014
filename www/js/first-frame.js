// @ts-check
// The order the page comes up in: the plot first, then the controls a piece
// per task so that the page answers input in between; the performance marks.

const nextTask = () => new Promise((done) => setTimeout(done, 0));

/**
 * @param {import("./context.js").Context} ctx
 * @param {typeof import("optiviz-wasm").catalogue} catalogue
 */
export async function firstFrame(ctx, catalogue) {
  const { app } = ctx;
  // The link was opened when the address was built (url.js): its
  // experiment (or a lesson's part) is loaded, its lock and relief applied;
  // its other page keys are applied here, each module its own.
  const opened = ctx.url.link();
  const page = opened.page;
  const named = page.lesson !== undefined && page.lesson !== "1" && page.lesson !== "0";
  const linkAsks = page.predict !== undefined || page.question !== undefined;
  // A question (the link's, or most of a lesson's) holds the paths back from
  // the first frame.
  const asks = named || linkAsks;
  // A link's view3d shows the relief from the first frame; hide= hides
  // parts of the page before it is drawn; lock= holds parts of the
  // experiment as the link gave them.
  ctx.relief.applyLink(page);
  ctx.teaching.applyLink(page);
  ctx.lock.applyLink(page);
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
  // The page's own keys: the animation's speed, what is shown under the
  // plot, the lesson (which may ask its part's question), else the link's
  // question.
  if (page.speed !== undefined) ctx.playback.setSpeed(page.speed);
  ctx.inspector.applyLink(page);
  ctx.lessons.applyLink(page, opened.experiment);
  if (named) ctx.scenario.settle(false);
  if (!ctx.lessons.active()) ctx.quiz.applyLink(page);
  // Held back for nothing (a part with no question).
  if (asks && !ctx.quiz.holding()) {
    ctx.quiz.hold(false);
    app.step = app.maxStep();
    ctx.draw.dynamic();
  }
  // Every key at fault, named together: beside its control where the page
  // shows one, and all of them in the message place.
  if (opened.errors.length) {
    ctx.messages.show(opened.errors, { lead: "Part of this link could not be used, and is left out: ", all: true, link: true });
  }
  // The address follows what is shown, a link's bad keys left out.
  ctx.url.write();
  if (page.play === true) ctx.playback.play();
  document.body.classList.add("ready");
  window.dispatchEvent(new CustomEvent("optiviz-ready"));
}
