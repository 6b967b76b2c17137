/* Behaviours every page may use. The Content-Security-Policy refuses on…="" attributes and
   inline scripts without the page's nonce: a template asks for a behaviour with a data- attribute.

   data-submit-on-change  on a form field: choosing a value sends its form (a <noscript> button
                          does the same without JavaScript). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof Element && field.hasAttribute("data-submit-on-change") && field.form) {
      field.form.submit();
    }
  });
})();
