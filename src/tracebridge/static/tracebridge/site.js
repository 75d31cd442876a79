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
