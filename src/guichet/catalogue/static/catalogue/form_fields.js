/* The request form in the browser: conditional fields (show_if) and the location maps.
   The server applies the same conditions: this only spares people irrelevant questions. */
(function () {
  "use strict";
  var form = document.getElementById("formulaire-demande");
  if (!form) { return; }

  function wrapperOf(name) {
    return form.querySelector('.portal-field[data-field="' + name + '"]');
  }

  function valuesOf(name) {
    var wrapper = wrapperOf(name);
    if (!wrapper || wrapper.hidden) { return []; }
    var inputs = wrapper.querySelectorAll('[name="' + name + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if (input.type === "radio") {
        if (input.checked) { values.push(input.value); }
      } else if (input.type === "checkbox") {
        if (inputs.length === 1 && input.value === "on") {
          values.push(input.checked ? "true" : "false");
        } else if (input.checked) {
          values.push(input.value);
        }
      } else if (input.value.trim() !== "") {
        values.push(input.value.trim());
      }
    });
    return values;
  }

  function same(actual, expected) {
    if (actual === expected) { return true; }
    var a = Number(String(actual).replace(",", ".")), b = Number(String(expected).replace(",", "."));
    return actual !== "" && !isNaN(a) && !isNaN(b) && a === b;
  }

  function applyConditions() {
    // Document order: a condition always points to an earlier field, already settled.
    form.querySelectorAll(".portal-field[data-show-if]").forEach(function (wrapper) {
      var condition = JSON.parse(wrapper.getAttribute("data-show-if"));
      var shown = valuesOf(condition.field).some(function (value) {
        return condition.values.some(function (expected) { return same(value, expected); });
      });
      wrapper.hidden = !shown;
      wrapper.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !shown;
      });
    });
  }
  form.addEventListener("change", applyConditions);
  form.addEventListener("input", applyConditions);
  applyConditions();

  // Most requests carry no file: they are then sent URL-encoded, which the server reads many
  // times faster than multipart. Without this script, or with a file chosen, multipart.
  form.addEventListener("submit", function () {
    var withFile = Array.prototype.some.call(
      form.querySelectorAll('input[type="file"]'),
      function (input) { return !input.disabled && input.files && input.files.length > 0; }
    );
    form.enctype = withFile ? "multipart/form-data" : "application/x-www-form-urlencoded";
  });

  if (typeof L === "undefined") { return; }
  var boundaryScript = document.getElementById("contour-commune");
  var boundary = boundaryScript ? JSON.parse(boundaryScript.textContent) : null;

  function number(text) {
    var value = parseFloat(String(text).replace(",", "."));
    return isNaN(value) ? null : value;
  }

  document.querySelectorAll(".portal-map").forEach(function (element) {
    var latInput = document.getElementById(element.getAttribute("data-lat"));
    var lonInput = document.getElementById(element.getAttribute("data-lon"));
    // No tile server is reachable offline: the commune's outline on a plain background.
    var map = L.map(element, { attributionControl: false, zoomSnap: 0.25 });
    var marker = null;
    if (boundary) {
      var outline = L.geoJSON(boundary, {
        style: { color: "#000091", weight: 2, fillColor: "#6a6af4", fillOpacity: 0.12 }
      }).addTo(map);
      map.fitBounds(outline.getBounds(), { padding: [12, 12] });
    } else {
      map.setView([46.6, 2.4], 5);
    }

    function place(lat, lon, pan) {
      if (marker) { marker.setLatLng([lat, lon]); } else { marker = L.marker([lat, lon]).addTo(map); }
      if (pan) { map.panTo([lat, lon]); }
    }

    map.on("click", function (event) {
      latInput.value = event.latlng.lat.toFixed(6);
      lonInput.value = event.latlng.lng.toFixed(6);
      place(event.latlng.lat, event.latlng.lng, false);
      latInput.dispatchEvent(new Event("change", { bubbles: true }));
    });

    function fromInputs() {
      var lat = number(latInput.value), lon = number(lonInput.value);
      if (lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
        place(lat, lon, true);
      }
    }
    latInput.addEventListener("input", fromInputs);
    lonInput.addEventListener("input", fromInputs);
    fromInputs();
  });
})();
