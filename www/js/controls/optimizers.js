// @ts-check
// The optimizer cards (#optimizers, one card.js each; a typed rule's part in
// rule.js), the optimizer to add (#add-name, #add), and each card's status
// line.

import { $ } from "../dom.js";
import { disable, lockField, lockGroup } from "../lock.js";
import { optimizerCard } from "./card.js";
import { controlIn } from "./fields.js";

/** @param {import("../context.js").Context} ctx */
export function build(ctx) {
  const { app, edit, draw } = ctx;
  const box = $("optimizers");
  const addSelect = $("add-name", HTMLSelectElement);
  const addCard = addSelect.closest(".card");

  function fill() {
    // Grouped by the package each steps as: torch.optim, then
    // pytorch_optimizer; then "your own", a rule to write.
    for (const origin of [...new Set(ctx.cat.optimizers.map((o) => o.origin))]) {
      const group = document.createElement("optgroup");
      group.label = origin;
      for (const o of ctx.cat.optimizers.filter((d) => d.origin === origin)) group.append(new Option(o.menu, o.name));
      addSelect.append(group);
    }
  }
  // After card i's Remove: the cards again, and the focus on the card that
  // took its place (or the one before it; the optimizer to add when none is left).
  function removed(i) {
    render();
    draw.dynamic();
    const cards = box.querySelectorAll(".card");
    const next = cards[Math.min(i, cards.length - 1)];
    if (next instanceof HTMLElement) next.focus();
    else addSelect.focus();
  }
  const card = (o, i) => optimizerCard(ctx, o, i, removed);

  // Bumped by every rebuild of the cards, so an older, gradual build stops.
  let buildGen = 0;
  function render() {
    buildGen++;
    const exp = app.experiment();
    box.replaceChildren();
    exp.optimizers.forEach((o, i) => box.append(card(o, i)));
  }
  // The first build: a card per task (`nextTask`), so the page answers input.
  async function renderGradually(nextTask) {
    box.replaceChildren();
    const gen = ++buildGen;
    for (const [i, o] of app.experiment().optimizers.entries()) {
      await nextTask();
      if (gen !== buildGen) break; // an edit rebuilt the cards meanwhile
      box.append(card(o, i));
    }
  }
  function showStatuses(list) {
    list.forEach((s, i) => {
      const el = box.querySelector(`[data-status="${i}"]`);
      if (el && el.textContent !== s.text) el.textContent = s.text;
      if (el) el.className = `status ${s.state}`;
    });
  }

  $("add").addEventListener("click", () => {
    if (edit(() => app.addOptimizer(addSelect.value))) {
      render();
      draw.dynamic();
      // A rule to write: its box, ready to type in.
      if (addSelect.value === "rule") focusRule(app.experiment().optimizers.length - 1);
    }
  });

  /** Brings card i's rule box into view, the caret in it. @param {number} i */
  function focusRule(i) {
    const area = box.querySelectorAll(":scope > .card")[i]?.querySelector("textarea.rule-input");
    if (!(area instanceof HTMLTextAreaElement)) return false;
    area.scrollIntoView({ block: "center", behavior: "smooth" });
    area.focus({ preventScroll: true });
    return true;
  }

  /** The control that edits `path` (`optimizers[1].lr`), if its card shows one. */
  const control = (path) => controlIn(box, path);

  /** Disables what a link locks of the cards (lock.js): adding and removing
   * where the list of optimizers is locked, every card where all is, and
   * each card (o2) or setting (o2.lr) named. @param {string[]} parts */
  function lock(parts) {
    if (parts.includes("optimizers")) {
      lockGroup(addCard, addCard);
      box.querySelectorAll(".remove").forEach(disable);
    }
    const cards = [...box.querySelectorAll(":scope > .card")];
    if (parts.includes("all")) cards.forEach((card) => lockGroup(card, card.querySelector("legend")));
    for (const p of parts) {
      const m = /^o(\d+)(?:\.(.+))?$/.exec(p);
      const card = m && cards[Number(m[1]) - 1];
      if (!card) continue;
      if (m[2] === undefined) lockGroup(card, card.querySelector("legend"));
      // A held optimizer (o1.base) locks its keys (base.momentum) with it.
      else card.querySelectorAll(`[data-setting="${m[2]}"], [data-setting^="${m[2]}."]`).forEach(lockField);
    }
  }

  return { fill, render, renderGradually, showStatuses, control, lock, focusRule };
}
