// What the page says: errors (#message) and passing notices (#notice), in one
// fixed place over the page that moves nothing, a new message replacing the
// old; and engine errors and optimizers named the way the panel shows them.

import { $ } from "./dom.js";

export function build(ctx) {
  const { app } = ctx;
  const box = $("message-box");
  const text = $("message");
  const note = $("notice");
  $("message-close").addEventListener("click", () => clearError());

  function showError(message) {
    note.textContent = "";
    text.textContent = message;
    box.hidden = text.hidden = false;
  }
  function clearError() {
    box.hidden = text.hidden = true;
    text.textContent = "";
  }
  const hasError = () => !box.hidden;
  function notice(message) {
    clearError();
    note.textContent = message;
    setTimeout(() => { if (note.textContent === message) note.textContent = ""; }, 2500);
  }
  // Errors from the engine name the field; say it the way the panel shows it.
  function friendly(err) {
    const text = String(err);
    return text
      .replace(/^optimizers\[(\d+)\]\.?/, (_, i) => `${groupName(+i)} › `)
      .replace(/^start\[([01])\]:/, (_, i) => `Start ${app.info().axes[+i]}:`)
      .replace(/^locked by this link: (.*)$/, (_, parts) => `Locked by this link: ${parts} cannot be changed here`)
      .replace(/^steps:/, "Steps:")
      .replace(/^line (\d+):/, "Rows, line $1:")
      .replace(/^function\.standardize:/, "Standardize x1 and x2:");
  }
  // "Adam", or "Adam 2" for the second Adam; before the catalogue, "optimizer 1".
  function groupName(i) {
    const exp = app.experiment();
    const o = exp.optimizers[i];
    if (!o || !ctx.cat) return `optimizer ${i + 1}`;
    const title = ctx.cat.optimizers.find((d) => d.name === o.name).title;
    const same = exp.optimizers.slice(0, i).filter((p) => p.name === o.name).length;
    return same ? `${title} ${same + 1}` : title;
  }

  return { showError, clearError, hasError, notice, friendly, groupName };
}
