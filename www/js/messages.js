// @ts-check
// What the page says: errors (#message) and passing notices (#notice), in one
// fixed place over the page that moves nothing, a new message replacing the
// old; and problems shown where they belong.
//
// The engine's errors are data: an Error whose `errors` list each problem as
// {path, message}, the path a JSON path into the experiment
// (`optimizers[1].lr`) or a link's key (`o2.lr`). Each problem goes next to
// the control it is about, which the module owning that part of the
// experiment finds (OWNERS says which module owns which paths); what no
// control shows goes in the message place.

import { $ } from "./dom.js";
import { markInvalid } from "./controls/fields.js";

/** @typedef {{path: string, message: string}} Problem */

// Which module owns the controls of which paths (JSON paths).
/** @type {[RegExp, "cards" | "gradients" | "surface" | "playback"][]} */
const OWNERS = [
  [/^optimizers(\[|$)/, "cards"],
  [/^(function\.(data|generate|standardize)|batch_size|seed|grad_noise|accumulate|l2|stop)(\W|$)/, "gradients"],
  [/^(function|start|steps|view)(\W|$)/, "surface"],
  [/^speed$/, "playback"],
];

/** @param {import("./context.js").Context} ctx */
export function build(ctx) {
  const { app } = ctx;
  const box = $("message-box");
  const text = $("message");
  const note = $("notice");
  $("message-close").addEventListener("click", () => clearError());

  // The message floats over the page's foot (it moves nothing); while it
  // shows, the page gains that much room at its end, so that what it covers
  // (the legend, a card's last lines) can be scrolled clear of it.
  // (Not in an embed, whose page is its frame's height: the plot would shrink.)
  const room = new ResizeObserver(() => {
    const embed = document.body.classList.contains("embed");
    document.body.style.paddingBottom = box.hidden || embed ? "" : `${box.offsetHeight + 24}px`;
  });
  room.observe(box);
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

  /** The problems an error holds: the engine's list, or the error as one problem. */
  function problems(err) {
    if (err && Array.isArray(err.errors) && err.errors.length) return err.errors;
    return [{ path: "", message: String(err?.message ?? err) }];
  }

  /** A link's key as the JSON path it sets: `o2.lr` → `optimizers[1].lr`. */
  function pathOf(key) {
    const o = /^o(\d+)(.*)$/.exec(key);
    if (o) return `optimizers[${Number(o[1]) - 1}]${o[2].replace(/^\.sched(\..*)?$/, ".schedule")}`;
    if (key === "fn") return "function";
    if (key === "data") return "function.data";
    if (key.startsWith("data.")) return `function.generate.${key.slice(5)}`;
    const f = /^fn\.(.+)$/.exec(key);
    if (f) return ["expr", "view", "standardize"].includes(f[1]) || app.isNetwork() ? `function.${f[1]}` : `function.params.${f[1]}`;
    return key;
  }

  /** The control a problem is about, if one is on the page: its owner finds it. */
  function controlFor(path) {
    const p = pathOf(path);
    const owner = OWNERS.find(([re]) => re.test(p))?.[1];
    const el = owner ? ctx[owner]?.control?.(p) : null;
    return el?.isConnected && el.getClientRects().length ? el : null;
  }

  // "Adam", or "Adam 2" for the second Adam; a typed rule by its name in
  // the legend, if it has one; before the catalogue, "optimizer 1".
  function groupName(i) {
    const exp = app.experiment();
    const o = exp.optimizers[i];
    if (!o || !ctx.cat) return `optimizer ${i + 1}`;
    if (o.label) return o.label;
    const title = ctx.cat.optimizers.find((d) => d.name === o.name).title;
    const same = exp.optimizers.slice(0, i).filter((p) => p.name === o.name).length;
    return same ? `${title} ${same + 1}` : title;
  }

  /** A problem as the panel names its field: `Adam › lr: …`, `Start x: …`. */
  function friendly({ path, message }) {
    const p = pathOf(path);
    const o = /^optimizers\[(\d+)\]\.?(.*)$/.exec(p);
    if (o) return `${groupName(Number(o[1]))}${o[2] ? ` › ${o[2]}` : ""}: ${message}`;
    const param = /^function\.params\.(.+)$/.exec(p);
    if (param) return `Parameter ${param[1]}: ${message}`;
    const s = /^start\[([01])\]$/.exec(p);
    if (s) return `Start ${app.info().axes[Number(s[1])]}: ${message}`;
    if (p === "steps") return `Steps: ${message}`;
    if (p === "function.standardize") return `Standardize x1 and x2: ${message}`;
    if (/^line \d+$/.test(p)) return `Rows, ${p}: ${message}`;
    return path ? `${path}: ${message}` : message;
  }

  /** A link's problems with their keys as the page numbers its optimizers
   * now: an optimizer the link lost (a bad name, a bad lr) is gone, and
   * those after it moved up; its own problems have no control. */
  function asShown(list) {
    const gone = list.map((p) => /^o(\d+)$/.exec(p.path)).filter(Boolean).map((m) => Number(m[1]));
    return list.map((p) => {
      const o = /^o(\d+)(.*)$/.exec(p.path);
      if (!o) return p;
      const n = Number(o[1]);
      if (gone.includes(n)) return { ...p, path: "" };
      return { ...p, path: `o${n - gone.filter((g) => g < n).length}${o[2]}` };
    });
  }

  /** Shows each problem next to its control (`input`, when the edit came
   * from one, takes a problem no other control claims), and in the
   * message place those no control shows, after `lead`. With `all`, the
   * message place lists every problem; with `link`, the problems are a
   * link's, named there by their keys as the link wrote them. The
   * controls marked. */
  function show(list, { input = null, lead = "", all = false, link = false } = {}) {
    const loose = [];
    const marked = [];
    const placed = link ? asShown(list) : list;
    list.forEach((problem, i) => {
      const at = placed[i];
      const el = (at.path && controlFor(at.path)) || (input?.isConnected ? input : null);
      if (el) {
        markInvalid(el, friendly(at));
        marked.push(el);
      }
      if (!el || all) loose.push(link ? `${problem.path}: ${problem.message}` : friendly(problem));
    });
    if (loose.length) showError(`${lead}${loose.join("; ")}${lead ? "." : ""}`);
    return marked;
  }

  return { showError, clearError, hasError, notice, problems, friendly, show, controlFor, groupName };
}
