// Reply suggestions (ADR 0028): a click copies a reply into the "Écrire à l'usager" box,
// where the agent edits it; nothing is sent without their own click on "Envoyer".
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-insert-reply]");
    if (!button) return;
    var box = document.querySelector('section[aria-labelledby="action-message"] textarea');
    if (!box) return;
    box.value = button.getAttribute("data-insert-reply");
    box.focus();
    box.scrollIntoView({ block: "center" });
  });
})();
