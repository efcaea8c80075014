// Drawing: everything (the surface, coarse first and refined once still) or
// only what moves with the step (paths, chart, data, status).

export function build(ctx) {
  const { app } = ctx;

  // The surface at full detail; `fast` draws a coarser raster first (first
  // frame, dragging) and the full one once things are still.
  let refining = 0;
  function all(fast = false) {
    refining++;
    app.drawSurface(fast);
    ctx.surface.showWindow();
    dynamic();
    if (fast) refine(refining);
  }
  // The full-detail surface, a slice of rows per task, then drawn; a newer
  // redraw (a new `refining` count) supersedes this one.
  async function refine(generation) {
    await new Promise((done) => setTimeout(done, 100));
    while (generation === refining && !app.refineSurface(32)) {
      await new Promise((done) => setTimeout(done, 0));
    }
    if (generation === refining) {
      app.drawSurface(false);
      performance.mark("optiviz-refined");
    }
  }
  // The relief turned: drawn at CSS resolution now (its paths with it),
  // at full resolution once still.
  function turned() {
    refining++;
    app.drawSurface(true);
    refine(refining);
  }
  function dynamic() {
    // Held at step 0 while a question waits; its marks follow the view.
    ctx.quiz?.check();
    ctx.basins?.check();
    app.drawPaths();
    ctx.inspector.drawChart();
    if (ctx.panels.showsData()) app.drawData();
    ctx.status.render();
    ctx.inspector.render();
    ctx.sweep?.check();
    ctx.landscape?.check();
  }

  // `refine`: refines the surface drawn last (the first frame's coarse one);
  // `surfaceOnly`: redraws the surface layer alone (a network's landscape
  // has arrived from the workers).
  return { all, dynamic, turned, refine: () => refine(refining), surfaceOnly: () => app.drawSurface(false) };
}
