// @ts-check
// The page's JavaScript API, window.optiviz (published by first-frame.js once
// the controls are built): get or set the experiment, the runs, the link.

/** @param {import("./context.js").Context} ctx */
export function build(ctx) {
  const { app, messages } = ctx;
  return {
    /** The experiment as a plain object: the JSON `optiviz run` reads. */
    getExperiment: () => app.experiment(),
    /** Validates and loads an experiment. Returns {ok: true}, or {ok: false, error, errors}: every problem
     * as {path, message}, the path into `obj`, and `error` the one line naming them all. The problems are
     * also shown on the page, each beside its control. */
    setExperiment(obj) {
      try {
        app.setExperiment(obj);
      } catch (e) {
        const errors = messages.problems(e);
        messages.show(errors, { lead: "setExperiment: ", all: true });
        return { ok: false, error: String(e.message ?? e), errors };
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
    getLink: () => ctx.url.address(),
    play: () => { if (!ctx.playback.isPlaying()) ctx.playback.play(); },
    pause: () => ctx.playback.pause(),
  };
}
