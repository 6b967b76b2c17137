/* Swagger UI draws each operation's summary as a button that holds a link to the operation's
   anchor: a focusable control inside another (WCAG 4.1.2). The button already opens the
   operation, so the inner links leave the tab order. Swagger UI draws lazily, hence the
   observer. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root) { return; }
  function untab() {
    root.querySelectorAll(".opblock-summary-control a, .opblock-summary-control button")
      .forEach(function (inner) {
        if (inner.getAttribute("tabindex") !== "-1") { inner.setAttribute("tabindex", "-1"); }
      });
  }
  new MutationObserver(untab).observe(root, { childList: true, subtree: true });
  untab();
}());
