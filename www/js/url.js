// @ts-check
// The address: the link opened (the engine reads every key of it, the
// experiment's and the page's own, by the one table of link keys), the
// experiment's query written back into the address with the page's own keys
// (those kept as the link gave them, and what the page shows now), and the
// Share and Embed buttons.

import { $ } from "./dom.js";

/** @param {import("./context.js").Context} ctx */
export function build(ctx) {
  const { app } = ctx;
  // The link, opened once: its experiment loaded as far as it is valid, its
  // page keys checked; `page` holds each valid one by its name.
  const opened = app.openLink(location.search);
  const page = opened.page;
  const embed = page.embed === true;
  // The colours: theme=light|dark|auto; auto (the reader's system) by
  // default, light in an embed (most host pages are light).
  const theme = page.theme ?? (embed ? "light" : "auto");
  if (theme !== "auto") document.documentElement.dataset.theme = String(theme);
  const home = $("home", HTMLAnchorElement);
  // lesson=1: the embed keeps a scenario's lesson text over the plot.
  if (page.lesson === "1") document.body.classList.add("with-lesson");
  if (embed) {
    document.body.classList.add("embed");
    home.target = "_blank";
    home.title = "Open this experiment in optiviz";
  }

  // The page's keys kept in the address as the link gave them (the table
  // says which), and lesson=1 or 0, the embed's flag.
  function keptQuery() {
    const kept = ctx.cat ? ctx.cat.links.filter((k) => k.kept === "given").map((k) => k.key) : [];
    const value = (v) => (v === true ? "1" : v === false ? "0" : String(v));
    const pairs = Object.entries(page).filter(([k]) => kept.includes(k)).map(([k, v]) => `&${k}=${encodeURIComponent(value(v))}`);
    if (page.lesson === "1" || page.lesson === "0") pairs.push(`&lesson=${page.lesson}`);
    return pairs.join("");
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
    const q = query + keptQuery();
    if (embed) home.href = `${location.pathname}?${query}`;
    // Replace, not push: editing should not flood the history.
    history.replaceState(null, "", `${location.pathname}?${q}`);
  }
  // While a slider moves, write the URL once it rests.
  let urlTimer = 0;
  function sync() {
    clearTimeout(urlTimer);
    urlTimer = setTimeout(write, 200);
  }
  /** The link opened: whether it held an experiment, its page keys, and every key at fault. */
  const link = () => opened;
  /** The link that reproduces the current picture; null when a pasted dataset is too large for one. */
  function address() {
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
    const lesson = ctx.scenario.current() && !ctx.lessons.active() ? "&lesson=1" : "";
    const themed = page.theme ? `&theme=${page.theme}` : "";
    const src = `${location.origin}${location.pathname}?${q}&embed=1${lesson}${themed}`;
    // As wide as the host's column (up to 800 px), 4:3, and never so short
    // that the plot has no room; the page inside fits itself to the frame.
    copy(`<iframe src="${src.replace(/&/g, "&amp;")}" style="border:0;width:100%;max-width:800px;aspect-ratio:4/3;min-height:420px" title="optiviz: optimizer paths" loading="lazy"></iframe>`, "Embed code copied");
  });

  return { linkQuery, write, sync, link, address, page: () => page };
}
