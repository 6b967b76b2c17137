/* The service designer: drag and drop of the form's fields (SortableJS; the « Monter » and
   « Descendre » buttons do the same without a mouse), the preview's width, the focus kept on
   the field just moved or edited. No inline script: CSP. */
(function () {
  "use strict";

  var list = document.getElementById("liste-champs");
  var orderForm = document.getElementById("form-ordre");
  if (list && orderForm && list.dataset.sortable === "on" && window.Sortable) {
    window.Sortable.create(list, {
      handle: ".designer-field__handle",
      draggable: "li[data-name]",
      animation: 150,
      onEnd: function (event) {
        if (event.oldIndex === event.newIndex) return;
        list.querySelectorAll("li[data-name]").forEach(function (item) {
          var input = document.createElement("input");
          input.type = "hidden";
          input.name = "ordre";
          input.value = item.dataset.name;
          orderForm.appendChild(input);
        });
        orderForm.submit();
      },
    });
  }

  var frame = document.getElementById("cadre-apercu");
  document.querySelectorAll(".designer-widths [data-width]").forEach(function (button) {
    button.addEventListener("click", function () {
      frame.dataset.width = button.dataset.width;
      document.querySelectorAll(".designer-widths [data-width]").forEach(function (other) {
        other.setAttribute("aria-pressed", other === button ? "true" : "false");
      });
    });
  });

  var params = new URLSearchParams(window.location.search);
  var moved = params.get("deplace");
  if (moved && list) {
    var row = Array.prototype.find.call(list.querySelectorAll("li[data-name]"), function (item) {
      return item.dataset.name === moved;
    });
    if (row) {
      var sense = params.get("sens") === "down" ? "down" : "up";
      var button = row.querySelector('button[value="' + sense + '"]:not([disabled])') ||
        row.querySelector('button[value="' + (sense === "up" ? "down" : "up") + '"]:not([disabled])');
      if (button) button.focus();
    }
  } else if (window.location.hash === "#champ-edite") {
    var editor = document.getElementById("champ-edite");
    if (editor) editor.focus();
  }
})();
