// What the page says: the error banner (#message), passing notices (#notice),
// and engine errors and optimizers named the way the panel shows them.

import { $ } from "./dom.js";

export function build(ctx) {
  const { app } = ctx;
  const box = $("message");

  function showError(text) {
    box.textContent = text;
    box.hidden = false;
  }
  function clearError() {
    box.hidden = true;
    box.textContent = "";
  }
  const hasError = () => !box.hidden;
  function notice(text) {
    $("notice").textContent = text;
    setTimeout(() => { if ($("notice").textContent === text) $("notice").textContent = ""; }, 2500);
  }
  // Errors from the engine name the field; say it the way the panel shows it.
  function friendly(err) {
    const text = String(err);
    return text
      .replace(/^optimizers\[(\d+)\]\.?/, (_, i) => `${groupName(+i)} › `)
      .replace(/^line (\d+):/, "Rows, line $1:");
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
