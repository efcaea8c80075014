// @ts-check
// Drawing: everything (the surface, previewed while dragging when its full
// detail would not fit in a frame) or only what moves with the step (paths,
// chart, data, status).

/** @param {import("./context.js").Context} ctx */
export function build(ctx) {
  const { app } = ctx;

  // The surface at full detail; `fast` (the first frame, dragging) lets the
  // engine draw a coarser preview when the full detail would not fit in a
  // frame, and the full one follows as soon as the input rests.
  let refining = 0;
  function all(fast = false) {
    refining++;
    app.drawSurface(fast);
    ctx.surface.showWindow();
    dynamic();
    if (fast) refine(refining);
    else performance.mark("optiviz-refined");
  }
  // The full detail, once the input has rested two frames (or `rest` ms),
  // about 8 ms of it per task, then drawn; newer input (a new `refining`
  // count) supersedes it, and what was computed for the same window is kept.
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  async function refine(generation, rest = 0) {
    if (!app.surfaceDetailed()) {
      if (rest) await new Promise((done) => setTimeout(done, rest));
      else await frame().then(frame);
      await new Promise((done) => setTimeout(done, 0));
      while (generation === refining && !app.refineSurface(8)) {
        await new Promise((done) => setTimeout(done, 0));
      }
      if (generation !== refining) return;
      app.drawSurface(false);
    }
    performance.mark("optiviz-refined");
  }
  // The relief turned: drawn at CSS resolution now (its paths with it),
  // at full resolution once still.
  function turned() {
    refining++;
    app.drawSurface(true);
    refine(refining, 100);
  }
  function dynamic() {
    // Held at step 0 while a question waits; its marks follow the view.
    ctx.quiz?.check();
    ctx.basins?.check();
    app.drawPaths();
    ctx.plot.placeTools();
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
