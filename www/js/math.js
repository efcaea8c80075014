// @ts-check
// Puts the engine's MathML into the page without innerHTML: the markup is
// read as XML (which runs nothing) and rebuilt node by node, keeping only
// MathML elements, the two span classes the inspector uses and a short list
// of presentation attributes. Anything else, from any source, is dropped.

const MATHML = "http://www.w3.org/1998/Math/MathML";
const ELEMENTS = new Set([
  "math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "msup", "msub", "msubsup",
  "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mstyle", "mpadded",
  "mphantom", "mfenced", "mtable", "mtr", "mtd", "semantics", "annotation",
]);
const ATTRIBUTES = new Set([
  "display", "mathvariant", "stretchy", "fence", "separator", "form", "lspace", "rspace",
  "largeop", "movablelimits", "accent", "accentunder", "linethickness", "scriptlevel",
  "displaystyle", "width", "height", "depth",
]);
const SPAN_CLASSES = new Set(["seg", "note"]);

function rebuild(node) {
  if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.nodeValue);
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const name = node.localName;
  let el;
  if (name === "span" && SPAN_CLASSES.has(node.getAttribute("class"))) {
    el = document.createElement("span");
    el.className = node.getAttribute("class");
  } else if (ELEMENTS.has(name)) {
    el = document.createElementNS(MATHML, name);
    for (const a of node.attributes) {
      if (ATTRIBUTES.has(a.name)) el.setAttribute(a.name, a.value);
    }
  } else {
    return null;
  }
  for (const child of node.childNodes) {
    const c = rebuild(child);
    if (c) el.append(c);
  }
  return el;
}

// The nodes of `markup` (MathML, possibly beside inspector spans), rebuilt.
export function mathNodes(markup) {
  const doc = new DOMParser().parseFromString(`<root>${markup}</root>`, "application/xml");
  const root = doc.documentElement;
  if (root.localName !== "root" || doc.getElementsByTagName("parsererror").length) return [];
  return [...root.childNodes].map(rebuild).filter(Boolean);
}

// Shows `markup` in `el`, replacing what it held, whole: scaled down to
// the width it has whenever it is shown or its width changes.
export function setMath(el, markup) {
  el.replaceChildren(...mathNodes(markup));
  if (el instanceof HTMLElement) {
    el.style.fontSize = "";
    fitted.delete(el);
    fitting.unobserve(el);
    fitting.observe(el);
  }
}

// A formula wider than its box is drawn smaller, in proportion, so that it
// is seen whole (on a phone the sideways scrollbar hides, and a line would
// be cut off); the smallest size keeps it legible, and past that it scrolls.
const SMALLEST_PX = 7;
// The width each formula was last fitted to: a refit only when it changes
// (the smaller size changes the box's height, which must not refit it).
const fitted = new WeakMap();
const fitting = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    if (!(target instanceof HTMLElement)) continue;
    if (!target.isConnected) {
      fitting.unobserve(target);
      continue;
    }
    if (!target.clientWidth || fitted.get(target) === target.clientWidth) continue;
    fitted.set(target, target.clientWidth);
    target.style.fontSize = "";
    const room = target.clientWidth;
    const needs = target.scrollWidth;
    if (needs <= room + 1) continue;
    const size = parseFloat(getComputedStyle(target).fontSize);
    target.style.fontSize = `${Math.max(SMALLEST_PX, Math.floor(size * (room / needs) * 20) / 20)}px`;
  }
});
