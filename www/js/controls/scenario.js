// The scenario picker (#scenario) and the lesson of the scenario shown
// (#lesson): a scenario is named while the experiment is exactly it.

import { $ } from "../dom.js";

export function build(ctx) {
  const { app } = ctx;
  const select = $("scenario");

  function fill() {
    for (const s of ctx.cat.scenarios) select.add(new Option(s.title, s.id));
  }
  // `q`: the current query, when the caller has it already.
  function show(q = ctx.url.linkQuery()) {
    const s = ctx.cat.scenarios.find((s) => s.query === q);
    select.value = s ? s.id : "";
    $("lesson").textContent = s ? s.lesson : "";
  }
  select.addEventListener("change", () => {
    if (!select.value) return;
    if (ctx.edit(() => app.loadScenario(select.value))) {
      app.step = app.maxStep();
      ctx.rebuild();
      ctx.draw.all();
    }
  });

  return { fill, show };
}
