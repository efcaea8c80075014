// The order the page comes up in: the plot first, then the controls a piece
// per task so that the page answers input in between; the performance marks.

const nextTask = () => new Promise((done) => setTimeout(done, 0));

export async function firstFrame(ctx, catalogue) {
  const { app } = ctx;
  const hasExperiment = ctx.url.load();
  app.step = app.maxStep();
  ctx.panels.init();
  ctx.layout.measure(true);
  app.drawSurface(true);
  await nextTask();
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
  if (!hasExperiment || !ctx.messages.hasError()) ctx.url.write();
  document.body.classList.add("ready");
  window.dispatchEvent(new CustomEvent("optiviz-ready"));
}
