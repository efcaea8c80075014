// @ts-check
// Every edit goes through here: it is applied to the engine, or refused with a
// message (beside the field it came from, or in the page's message place when
// it has none) and the last valid state kept; then the panels and the URL follow.

import { clearInvalid } from "./controls/fields.js";

/** @param {import("./context.js").Context} ctx */
export function build(ctx) {
  // A control left holding a refused value is reset from the engine when the
  // next edit succeeds.
  let refused = false;
  // The fields showing a refused value's message.
  const invalid = new Set();
  return function edit(fn, input) {
    try {
      fn();
    } catch (e) {
      // Each problem beside its control; the edit's own control takes what
      // no other claims.
      for (const el of ctx.messages.show(ctx.messages.problems(e), { input })) invalid.add(el);
      refused = true;
      return false;
    }
    ctx.messages.clearError();
    if (input) clearInvalid(input);
    invalid.delete(input);
    if (refused && ctx.cat) {
      // The controls are set from the engine again: no refused value is left.
      for (const other of invalid) clearInvalid(other);
      invalid.clear();
      refused = false;
      ctx.rebuild();
    }
    ctx.panels.sync();
    ctx.url.sync();
    return true;
  };
}
