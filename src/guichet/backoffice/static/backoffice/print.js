// The counter receipt's « Imprimer » button (no inline handler: the CSP refuses them).
document.querySelectorAll("[data-print-page]").forEach(function (button) {
  button.addEventListener("click", function () {
    window.print();
  });
});
