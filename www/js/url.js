// The address: the experiment's query written into the URL, loading a link,
// the page's own keys (embed=1 and the #home link, play=1, speed=N, kept in the
// address as the link gave them; chart, arrows, inspect and view3d as they are now),
// and the Share and Embed buttons.

import { $ } from "./dom.js";

export function build(ctx) {
  const { app } = ctx;
  const params = new URLSearchParams(location.search);
  const embed = params.get("embed") === "1";
  // The page's own keys (the engine lists them), as the link gave them;
  // what the page shows (the chart, the arrows, the inspector) is written as
  // it is now instead (inspector.js).
  // A lesson and its part, and a question, are written as they are now too
  // (lesson=1 and 0, the embed's flag, stay as given).
  const SHOWN = ["chart", "arrows", "curvature", "inspect", "view3d", "hide", "lock", "part", "predict", "question", "choices", "answer"];
  const flag = (k, v) => k === "lesson" && (v === "1" || v === "0");
  const own = [...params].filter(([k, v]) => ctx.pageKeys.includes(k) && !SHOWN.includes(k) && (k !== "lesson" || flag(k, v)));
  const ownQuery = own.map(([k, v]) => `&${k}=${encodeURIComponent(v)}`).join("");
  // lesson=1: the embed keeps a scenario's lesson text over the plot.
  if (params.get("lesson") === "1") document.body.classList.add("with-lesson");
  if (embed) {
    document.body.classList.add("embed");
    $("home").target = "_blank";
    $("home").title = "Open this experiment in optiviz";
  }

  // The query that reproduces the experiment; null when it cannot be a link.
  function linkQuery() {
    try {
      return app.query() + (ctx.inspector?.pageQuery() ?? "") + (ctx.relief?.pageQuery() ?? "") + (ctx.teaching?.pageQuery() ?? "") + (ctx.lock?.pageQuery() ?? "") +
        (ctx.lessons?.pageQuery() ?? "") + (ctx.quiz?.pageQuery() ?? "");
    } catch {
      return null;
    }
  }
  function write() {
    const query = linkQuery();
    if (ctx.cat) ctx.scenario.show();
    // A pasted dataset too large for a link: the address keeps its last
    // linkable state and the page says why (see panels.js).
    if (query === null) return;
    const q = query + ownQuery;
    if (embed) $("home").href = `${location.pathname}?${query}`;
    // Replace, not push: editing should not flood the history.
    history.replaceState(null, "", `${location.pathname}?${q}`);
  }
  // While a slider moves, write the URL once it rests.
  let urlTimer = 0;
  function sync() {
    clearTimeout(urlTimer);
    urlTimer = setTimeout(write, 200);
  }
  // The experiment in the address, if any; true when there was one.
  function load() {
    const query = location.search.replace(/^\?/, "");
    const hasExperiment = query.split("&").some((p) => p && !ctx.pageKeys.includes(decodeURIComponent(p.split("=")[0])));
    if (hasExperiment) {
      // What is valid is kept; every key at fault is named at once.
      const errors = app.loadQueryKeeping(query);
      if (errors.length) {
        ctx.messages.showError(`Part of this link could not be used, and is left out: ${errors.join("; ")}.`);
      }
    }
    return hasExperiment;
  }
  /** The link that reproduces the current picture; null when a pasted dataset is too large for one. */
  function link() {
    const q = linkQuery();
    return q === null ? null : `${location.origin}${location.pathname}?${q}`;
  }

  async function copy(text, done) {
    try {
      await navigator.clipboard.writeText(text);
      ctx.messages.notice(done);
    } catch {
      prompt("Copy this:", text);
    }
  }
  // A link that cannot carry the experiment says why instead.
  function linkOrSay() {
    const q = linkQuery();
    if (q === null) ctx.messages.showError(`This experiment cannot be shared as a link: ${app.info().link}`);
    return q;
  }
  $("share").addEventListener("click", () => {
    const q = linkOrSay();
    if (q !== null) copy(`${location.origin}${location.pathname}?${q}`, "Link copied");
  });
  $("embed-button").addEventListener("click", () => {
    const q = linkOrSay();
    if (q === null) return;
    // A scenario's lesson goes with it into the embed.
    const lesson = $("scenario").value && !ctx.lessons.active() ? "&lesson=1" : "";
    const src = `${location.origin}${location.pathname}?${q}&embed=1${lesson}`;
    copy(`<iframe src="${src.replace(/&/g, "&amp;")}" width="760" height="640" style="border:0" title="optiviz: optimizer paths" loading="lazy"></iframe>`, "Embed code copied");
  });

  /** A page key's value from the link (`play`, `speed`), or null. */
  const pageValue = (key) => params.get(key);

  return { linkQuery, write, sync, load, link, pageValue };
}
