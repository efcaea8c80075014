// @ts-check
// What a teacher's link locks (lock=function,start,o1.lr,…; the engine's
// Lock refuses any edit that would change a locked part, whatever made it):
// here each module that shows a locked part disables its controls (its
// `lock(parts)`, with the helpers below), each with a "locked by this link"
// note, again whenever the settings are built anew.

const CONTROLS = "input, select, textarea, button:not(.help)";
const NOTE = "locked by this link";

/** Whether `el` is one of the controls a lock disables. @param {Element} el */
export const isControl = (el) => el.matches(CONTROLS);

/** The controls a lock disables under `root`. @param {Element} root */
export const controlsIn = (root) => root.querySelectorAll(CONTROLS);

/** A "locked by this link" note, once per place: in a legend, or after a field. @param {Element | null} place */
export function lockNote(place) {
  if (!place || place.querySelector(":scope > .locked-note")) return;
  const span = document.createElement("span");
  span.className = "locked-note";
  span.textContent = NOTE;
  place.append(span);
}

/** A control disabled, saying why. @param {Element} el */
export function disable(el) {
  if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement || el instanceof HTMLButtonElement) {
    el.disabled = true;
    el.title = "Locked by this link";
  }
}

/** Every control under `root` disabled. @param {Element | null} root */
export const disableIn = (root) => { if (root) controlsIn(root).forEach(disable); };

/** One control, or a field's controls, with the note beside them. @param {Element | null} el */
export function lockField(el) {
  if (!el) return;
  const holder = el.closest(".field, .slider-row, .pair, .batch") ?? el;
  if (isControl(holder)) disable(holder);
  else disableIn(holder);
  lockNote(isControl(holder) ? holder.parentElement : holder);
}

/** A group's controls, one note in its legend or heading. @param {Element | null} root @param {Element | null} heading */
export function lockGroup(root, heading) {
  disableIn(root);
  lockNote(heading);
}

/** @param {import("./context.js").Context} ctx */
export function build(ctx) {
  const { app } = ctx;
  /** @type {string[]} */
  let parts = [];
  const panel = document.querySelector(".panel");

  /** Disables what a link's lock= locks (the engine holds the lock). @param {{ lock?: unknown }} page */
  function applyLink(page) {
    if (page.lock === undefined) return;
    parts = app.locked();
    // Everything locked: said once, over the settings.
    if (parts.includes("all")) {
      const banner = document.createElement("p");
      banner.className = "locked-banner";
      banner.textContent = "This link locks the experiment: play it, step through it, zoom and pan, but its settings stay as the link gave them.";
      panel.prepend(banner);
    }
    apply();
  }

  /** The link's part for what is locked. */
  const pageQuery = () => {
    const text = app.lockText();
    return text ? `&lock=${text}` : "";
  };

  // Each module locks its own controls.
  function apply() {
    if (!parts.length) return;
    observer.disconnect();
    // A scenario would replace all of it.
    ctx.scenario.lock();
    ctx.surface.lock(parts);
    ctx.gradients.lock(parts);
    ctx.plot.lock(parts);
    ctx.cards.lock(parts);
    observer.observe(panel, { childList: true, subtree: true });
  }
  // The settings are built anew after many edits (and a card at a time at
  // first): the locks follow.
  let queued = false;
  const observer = new MutationObserver((records) => {
    // A card's status line changes with every step: not a rebuild.
    if (queued || records.every((r) => r.target instanceof Element && r.target.closest(".status"))) return;
    queued = true;
    queueMicrotask(() => { queued = false; apply(); });
  });

  /** Whether a named part (start, view, …) is locked. @param {string} part */
  const locked = (part) => parts.includes(part);

  return { applyLink, pageQuery, locked };
}
