// @ts-check
// The legend under the plot (#legend), the step counter (#step-out), and
// what screen readers hear (#announce); the cards, the step slider and the
// Play button show theirs.

import { $, scrollCue } from "./dom.js";

/** @param {import("./context.js").Context} ctx */
export function build(ctx) {
  const { app } = ctx;
  // In an embed the legend may scroll within the frame: it says when more is below.
  if (document.body.classList.contains("embed")) scrollCue($("legend"));

  // Screen readers hear when a path converges or diverges, not every step.
  let announced = [];
  function announce(list) {
    const changes = list
      .map((s, i) => (s.state !== "moving" && announced[i] !== s.text ? `${ctx.messages.groupName(i)}: ${s.text}` : null))
      .filter(Boolean);
    announced = list.map((s, i) => (s.state !== "moving" ? s.text : announced[i]));
    if (changes.length) $("announce").textContent = changes.join(". ");
  }
  function render() {
    const list = app.statuses();
    announce(list);
    const legend = $("legend");
    legend.replaceChildren(
      ...list.filter((s) => s.enabled).map((s) => {
        const li = document.createElement("li");
        const sw = document.createElement("span");
        sw.className = "swatch";
        sw.style.background = s.color;
        const label = document.createElement("span");
        label.className = "label";
        label.textContent = s.label;
        const st = document.createElement("span");
        st.className = `state ${s.state}`;
        st.textContent = s.text;
        li.append(sw, label, st);
        return li;
      }),
    );
    ctx.cards.showStatuses(list);
    $("step-out").textContent = `step ${app.step} of ${app.maxStep()}`;
    ctx.playback.showState();
  }

  return { render };
}
