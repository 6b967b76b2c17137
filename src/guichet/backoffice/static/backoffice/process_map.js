// The process map's sliders: show the value while dragging, and redraw the map (submit the
// form) when the pointer lets go. Keyboard changes wait for the form's button, so that an arrow
// key never reloads the page under the user's focus. Without JavaScript the button does it all.
(function () {
  "use strict";
  document.querySelectorAll("form[data-process-controls]").forEach(function (form) {
    var pointer = false;
    form.querySelectorAll("input[type=range]").forEach(function (input) {
      var output = form.querySelector('output[for="' + input.id + '"]');
      input.addEventListener("pointerdown", function () { pointer = true; });
      input.addEventListener("input", function () {
        if (output) { output.textContent = input.value + " " + (output.dataset.unit || ""); }
      });
      input.addEventListener("change", function () {
        if (pointer) { pointer = false; form.requestSubmit(); }
      });
    });
    form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      box.addEventListener("change", function () { form.requestSubmit(); });
    });
  });
})();
