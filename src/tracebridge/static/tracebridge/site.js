// Small behaviours every page may use; pages work without them.
// <button data-copy="#id"> copies the text of #id to the clipboard and says so.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent.trim()).then(() => {
    button.dataset.label = button.dataset.label || button.textContent;
    button.textContent = button.dataset.copied || "✓";
    setTimeout(() => { button.textContent = button.dataset.label; }, 2000);
  });
});

// Navigation menus (<details class="menu">): one open at a time; Escape closes and returns
// focus to the menu's name; a click elsewhere closes them.
document.addEventListener("toggle", (event) => {
  const menu = event.target;
  if (!(menu instanceof HTMLDetailsElement) || !menu.classList.contains("menu") || !menu.open) return;
  document.querySelectorAll("details.menu[open]").forEach((other) => {
    if (other !== menu) other.open = false;
  });
}, true);
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const open = document.querySelector("details.menu[open]");
  if (!open) return;
  open.open = false;
  open.querySelector("summary").focus();
});
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.menu[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.open = false;
  });
});

// A table wider than the screen scrolls inside its .scroll box; a box that does scroll takes
// keyboard focus (Tab reaches it, the arrow keys scroll it), the others stay out of the way.
function focusScrollers() {
  document.querySelectorAll(".scroll").forEach((box) => {
    if (box.scrollWidth > box.clientWidth) box.tabIndex = 0;
    else box.removeAttribute("tabindex");
  });
}
focusScrollers();
window.addEventListener("resize", focusScrollers);
