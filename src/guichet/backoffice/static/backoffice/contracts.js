// A contract's report page: while the report is being built, reload every two seconds.
(function () {
  "use strict";
  if (document.querySelector("[data-report-pending]")) {
    window.setTimeout(function () { window.location.reload(); }, 2000);
  }
})();
