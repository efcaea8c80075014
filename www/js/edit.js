// Every edit goes through here: it is applied to the engine, or refused with a
// message and the last valid state kept; then the panels and the URL follow.

export function build(ctx) {
  // A control left holding a refused value is reset from the engine when the
  // next edit succeeds.
  let refused = false;
  return function edit(fn, input) {
    try {
      fn();
    } catch (e) {
      ctx.messages.showError(ctx.messages.friendly(e));
      if (input) input.setAttribute("aria-invalid", "true");
      refused = true;
      return false;
    }
    ctx.messages.clearError();
    if (input) input.removeAttribute("aria-invalid");
    if (refused && ctx.cat) {
      refused = false;
      ctx.rebuild();
    }
    ctx.panels.sync();
    ctx.url.sync();
    return true;
  };
}
