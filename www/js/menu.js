// @ts-check
// On a phone the share and export buttons (#actions) fold into one menu
// behind #menu-button; it closes on a choice, on Escape and on a click
// elsewhere. On a wide screen the button is hidden and the row is shown.

import { $ } from "./dom.js";

export function build() {
  const button = $("menu-button");
  const menu = $("actions");
  function setOpen(open, focusButton = false) {
    menu.classList.toggle("open", open);
    button.setAttribute("aria-expanded", String(open));
    if (open) menu.querySelector("button")?.focus();
    else if (focusButton) button.focus();
  }
  const isOpen = () => menu.classList.contains("open");
  button.addEventListener("click", () => setOpen(!isOpen()));
  menu.addEventListener("click", (e) => {
    if (isOpen() && e.target instanceof HTMLButtonElement) setOpen(false);
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && isOpen()) setOpen(false, true);
  });
  document.addEventListener("pointerdown", (e) => {
    if (isOpen() && !(e.target instanceof Node && menu.contains(e.target)) && e.target !== button) setOpen(false);
  });
}
