// The optimizer cards (#optimizers, one card.js each), the optimizer to add
// (#add-name, #add), and each card's status line.

import { $ } from "../dom.js";
import { optimizerCard } from "./card.js";
import { controlIn } from "./fields.js";

export function build(ctx) {
  const { app, edit, draw } = ctx;
  const box = $("optimizers");
  const addSelect = $("add-name");

  function fill() {
    for (const o of ctx.cat.optimizers) addSelect.add(new Option(o.title, o.name));
  }
  // After card i's Remove: the cards again, and the focus on the card that
  // took its place (or the one before it; the optimizer to add when none is left).
  function removed(i) {
    render();
    draw.dynamic();
    const cards = box.querySelectorAll(".card");
    const next = cards[Math.min(i, cards.length - 1)];
    if (next) next.focus();
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
    }
  });

  /** The control that edits `path` (`optimizers[1].lr`), if its card shows one. */
  const control = (path) => controlIn(box, path);

  return { fill, render, renderGradually, showStatuses, control };
}
