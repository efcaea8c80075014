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
