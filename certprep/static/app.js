// certprep's own script: progressive enhancement only; every page works without it.
document.addEventListener("DOMContentLoaded", () => {
  // Buttons marked data-confirm ask before they submit their form.
  document.querySelectorAll("[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });
});
