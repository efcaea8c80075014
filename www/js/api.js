// The page's JavaScript API, window.optiviz (published by first-frame.js once
// the controls are built): get or set the experiment, the runs, the link.

export function build(ctx) {
  const { app, messages } = ctx;
  return {
    /** The experiment as a plain object: the JSON `optiviz run` reads. */
    getExperiment: () => app.experiment(),
    /** Validates and loads an experiment. Returns {ok: true} or {ok: false, error}; the error is also shown on the page. */
    setExperiment(obj) {
      try {
        app.setExperiment(obj);
      } catch (e) {
        // The error's path is into `obj`, so it is shown as it is.
        messages.showError(`setExperiment: ${e}`);
        return { ok: false, error: String(e) };
      }
      messages.clearError();
      app.step = app.maxStep();
      ctx.rebuild();
      ctx.draw.all();
      ctx.url.sync();
      return { ok: true };
    },
    /** The trajectories, as `optiviz run` prints them: {runs: [...]}. */
    getRuns: () => app.runs(),
    /** The link that reproduces the current picture; null when a pasted dataset is too large for one. */
    getLink: () => ctx.url.link(),
    play: () => { if (!ctx.playback.isPlaying()) ctx.playback.play(); },
    pause: () => ctx.playback.pause(),
  };
}
