// @ts-check
// The one DOM helper every module shares: an element by its id, checked to be
// of the kind its module expects (an <input>, a <details>, …), so that a
// changed page fails where the element is looked up, not later.

/**
 * @overload
 * @param {string} id
 * @returns {HTMLElement}
 */
/**
 * @template {Element} T
 * @overload
 * @param {string} id
 * @param {{ new (): T, prototype: T }} kind
 * @returns {T}
 */
/**
 * @param {string} id
 * @param {{ new (): Element, prototype: Element }} [kind]
 * @returns {Element}
 */
export function $(id, kind = HTMLElement) {
  const el = document.getElementById(id);
  if (el instanceof kind) return el;
  throw new Error(`#${id} is ${el ? `not a ${kind.name}` : "not on the page"}`);
}

/**
 * The first element under `root` that `selector` matches, checked the same way.
 * @template {Element} T
 * @param {ParentNode} root
 * @param {string} selector
 * @param {{ new (): T, prototype: T }} kind
 * @returns {T}
 */
export function find(root, selector, kind) {
  const el = root.querySelector(selector);
  if (el instanceof kind) return el;
  throw new Error(`${selector} is ${el ? `not a ${kind.name}` : "not on the page"}`);
}

/**
 * A scenario's or a lesson part's text in `box` after a real change: `said`
 * (what changed) with a button back, then `text`, faint when it no longer
 * holds; the box held at the height it had, so that nothing under it (the
 * plot) moves. `said` null: the text alone, the box free again.
 * @param {HTMLElement} box @param {string | null} said @param {string} text
 * @param {{ label: string, back: () => void, stale: boolean }} [how]
 */
export function changedNote(box, said, text, how) {
  if (said === null || !how) {
    box.classList.remove("changed-note");
    box.style.height = "";
    // (The text the page opened with stays the same node.)
    if (box.textContent !== text || box.children.length) box.replaceChildren(text);
    return;
  }
  if (!box.classList.contains("changed-note")) {
    // Held at the height it had; a box not shown yet (an empty lesson text
    // on a link's first frame) keeps its natural height.
    const height = box.getBoundingClientRect().height;
    if (height > 0) box.style.height = `${height}px`;
    box.classList.add("changed-note");
  }
  const note = document.createElement("span");
  note.className = "said";
  note.textContent = `${said} `;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link-button";
  button.textContent = how.label;
  button.addEventListener("click", how.back);
  const rest = document.createElement("span");
  if (how.stale) rest.className = "stale";
  rest.textContent = text;
  box.replaceChildren(note, button, " ", rest);
}

// Boxes that may scroll within: each marked "more-below" while content
// waits under its foot, so that a reader sees there is more.
const cues = new ResizeObserver((entries) => { for (const e of entries) cue(/** @type {HTMLElement} */ (e.target)); });
/** @param {HTMLElement} el */
function cue(el) {
  el.classList.toggle("more-below", el.scrollHeight - el.scrollTop - el.clientHeight > 2);
}
/** Marks `el` while more of it is below its foot (as it scrolls, resizes or changes). @param {HTMLElement} el */
export function scrollCue(el) {
  cues.observe(el);
  el.addEventListener("scroll", () => cue(el), { passive: true });
  new MutationObserver(() => cue(el)).observe(el, { childList: true, subtree: true, characterData: true });
}
