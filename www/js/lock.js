// What a teacher's link locks (lock=function,start,o1.lr,…; the engine's
// Lock refuses any edit that would change a locked part, whatever made it):
// here the locked controls are disabled, each with a "locked by this link"
// note, again whenever the settings are built anew.

import { $ } from "./dom.js";

const CONTROLS = "input, select, textarea, button:not(.help)";
const NOTE = "locked by this link";

export function build(ctx) {
  const { app } = ctx;
  let parts = [];

  /** Disables what a link's lock= locks (the engine holds the lock). */
  function applyLink(page) {
    if (page.lock === undefined) return;
    parts = app.locked();
    // Everything locked: said once, over the settings.
    if (parts.includes("all")) {
      const banner = document.createElement("p");
      banner.className = "locked-banner";
      banner.textContent = "This link locks the experiment: play it, step through it, zoom and pan, but its settings stay as the link gave them.";
      document.querySelector(".panel").prepend(banner);
    }
    apply();
  }

  /** The link's part for what is locked. */
  const pageQuery = () => {
    const text = app.lockText();
    return text ? `&lock=${text}` : "";
  };

  // A note once per place: in a legend, or after a field.
  function note(place, where = "append") {
    if (!place || place.querySelector(":scope > .locked-note")) return;
    const span = document.createElement("span");
    span.className = "locked-note";
    span.textContent = NOTE;
    place[where](span);
  }
  function disable(el) {
    el.disabled = true;
    el.title = "Locked by this link";
  }
  const disableIn = (root) => root?.querySelectorAll(CONTROLS).forEach(disable);
  // One control, or a field's controls, with the note beside them.
  function lockField(el) {
    if (!el) return;
    const holder = el.closest(".field, .slider-row, .pair, .batch") ?? el;
    if (holder.matches(CONTROLS)) disable(holder);
    else disableIn(holder);
    note(holder.matches(CONTROLS) ? holder.parentElement : holder);
  }
  // A group's controls, one note in its legend or heading.
  function lockGroup(root, heading) {
    disableIn(root);
    note(heading);
  }

  function apply() {
    if (!parts.length) return;
    observer.disconnect();
    const has = (p) => parts.includes(p);
    // A scenario would replace all of it.
    lockField($("scenario"));
    // A new function takes its own start and view: not where they are locked.
    if (has("function") || has("start") || has("view")) lockField($("function"));
    if (has("function")) {
      disableIn($("function-params"));
      for (const el of $("gradients-body").querySelectorAll('[data-part="function"]')) {
        if (el.matches(CONTROLS)) lockField(el);
        else if (el.querySelector(CONTROLS)) lockGroup(el, el);
      }
    }
    if (has("start")) lockField($("start-x").closest(".pair"));
    if (has("steps")) lockField($("steps"));
    if (has("view")) {
      lockGroup(document.querySelector(".window"), document.querySelector(".window > legend"));
      disable($("reset-view"));
    }
    if (has("sampling")) {
      for (const el of $("gradients-body").querySelectorAll(CONTROLS)) {
        if (!el.closest('[data-part="function"]')) disable(el);
      }
      note($("gradients").querySelector("legend"));
    }
    if (has("optimizers")) {
      lockGroup(document.querySelector(".add.card"), document.querySelector(".add.card"));
      document.querySelectorAll("#optimizers .remove").forEach(disable);
    }
    const cards = [...$("optimizers").querySelectorAll(":scope > .card")];
    if (has("all")) cards.forEach((card) => lockGroup(card, card.querySelector("legend")));
    for (const p of parts) {
      const m = /^o(\d+)(?:\.(.+))?$/.exec(p);
      const card = m && cards[Number(m[1]) - 1];
      if (!card) continue;
      if (m[2] === undefined) lockGroup(card, card.querySelector("legend"));
      else card.querySelectorAll(`[data-setting="${m[2]}"]`).forEach(lockField);
    }
    observer.observe(document.querySelector(".panel"), { childList: true, subtree: true });
  }
  // The settings are built anew after many edits (and a card at a time at
  // first): the locks follow.
  let queued = false;
  const observer = new MutationObserver((records) => {
    // A card's status line changes with every step: not a rebuild.
    if (queued || records.every((r) => r.target.closest?.(".status"))) return;
    queued = true;
    queueMicrotask(() => { queued = false; apply(); });
  });

  /** Whether a named part (start, view, …) is locked. */
  const locked = (part) => parts.includes(part);

  return { applyLink, pageQuery, locked };
}
