/* "Already reported nearby" (issue 16): when the person places a point on the request form's
   map (or types coordinates, or picks an address), ask the portal for the open reports of the
   same service around it and show them above the submit button, in a polite live region.
   The look-up is a help, never a step: a failure leaves the form as it is. */
(function () {
  "use strict";
  var region = document.getElementById("signalements-proches");
  if (!region || !window.fetch) { return; }
  var form = region.closest("form") || document;
  var url = region.getAttribute("data-url");
  var timer = null;
  var pending = null;
  var last = "";

  function number(text) {
    var value = parseFloat(String(text || "").replace(",", "."));
    return isFinite(value) ? value : null;
  }

  function pointOf(map) {
    var lat = document.getElementById(map.getAttribute("data-lat"));
    var lon = document.getElementById(map.getAttribute("data-lon"));
    if (!lat || !lon) { return null; }
    var point = { lat: number(lat.value), lon: number(lon.value) };
    return point.lat === null || point.lon === null ? null : point;
  }

  function lookUp(point) {
    var query = "lat=" + point.lat.toFixed(6) + "&lon=" + point.lon.toFixed(6);
    if (query === last) { return; }
    last = query;
    if (pending) { pending.abort(); }
    pending = window.AbortController ? new AbortController() : null;
    region.setAttribute("aria-busy", "true");
    fetch(url + "?" + query, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
      signal: pending ? pending.signal : undefined
    }).then(function (response) {
      return response.ok ? response.text() : "";
    }).then(function (html) {
      region.innerHTML = html;  // the portal's own fragment, escaped by its template
      region.removeAttribute("aria-busy");
    }).catch(function (error) {
      if (error && error.name === "AbortError") { return; }
      region.textContent = "";
      region.removeAttribute("aria-busy");
    });
  }

  function soon(map) {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var point = pointOf(map);
      if (point) { lookUp(point); }
    }, 250);
  }

  Array.prototype.forEach.call(form.querySelectorAll(".portal-map"), function (map) {
    map.addEventListener("guichet:point-placed", function () { soon(map); });
    [map.getAttribute("data-lat"), map.getAttribute("data-lon")].forEach(function (id) {
      var input = document.getElementById(id);
      if (input) { input.addEventListener("change", function () { soon(map); }); }
    });
    soon(map);  // a form sent back with its point already placed
  });
})();
