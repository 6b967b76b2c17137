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

  function french(value) { return value.toFixed(6).replace(".", ","); }

  // The map is the control: a click, or Enter at the map's centre, places the point; arrows
  // on the point move it. The coordinates fields (in « Saisir les coordonnées ») follow it.
  document.querySelectorAll(".portal-map").forEach(function (element) {
    var latInput = document.getElementById(element.getAttribute("data-lat"));
    var lonInput = document.getElementById(element.getAttribute("data-lon"));
    var status = document.getElementById(element.getAttribute("data-status"));
    var tiles = element.getAttribute("data-tiles");
    var map = L.map(element, { zoomControl: false, attributionControl: Boolean(tiles), zoomSnap: 0.25 });
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    var marker = null;
    var outline = boundary ? L.geoJSON(boundary, {
      style: { color: "#000091", weight: 2, fillColor: "#6a6af4", fillOpacity: tiles ? 0.04 : 0.12 }
    }) : null;
    // The view first: layers added to a map without a view throw.
    if (outline && outline.getBounds().isValid()) { map.fitBounds(outline.getBounds(), { padding: [12, 12] }); }
    else { map.setView([46.6, 2.4], 5); }
    if (tiles) {
      map.attributionControl.setPrefix(false);
      L.tileLayer(tiles, { attribution: element.getAttribute("data-tiles-attribution") || "", maxZoom: 19 })
        .addTo(map);
    }
    if (outline) { outline.addTo(map); }

    function say(lat, lon) {
      if (status) { status.textContent = "Point placé : " + french(lat) + ", " + french(lon) + "."; }
    }

    function write(latlng) {
      latInput.value = latlng.lat.toFixed(6);
      lonInput.value = latlng.lng.toFixed(6);
      say(latlng.lat, latlng.lng);
      latInput.dispatchEvent(new Event("change", { bubbles: true }));
      // For the address search (address_search.js): it looks up the address at the point.
      element.dispatchEvent(new CustomEvent("guichet:point-placed", { detail: { lat: latlng.lat, lon: latlng.lng } }));
    }

    function moveWithKeys(event) {
      var steps = { ArrowUp: [0, -10], ArrowDown: [0, 10], ArrowLeft: [-10, 0], ArrowRight: [10, 0] };
      var step = steps[event.key];
      if (!step) { return; }
      event.preventDefault();
      var at = map.latLngToContainerPoint(marker.getLatLng()).add(step);
      marker.setLatLng(map.containerPointToLatLng(at));
      write(marker.getLatLng());
    }

    function place(lat, lon, pan) {
      if (marker) { marker.setLatLng([lat, lon]); }
      else {
        marker = L.marker([lat, lon], {
          draggable: true, keyboard: true, title: "Point placé (flèches pour le déplacer)",
          alt: "Point placé"
        }).addTo(map);
        marker.on("dragend", function () { write(marker.getLatLng()); });
        marker.getElement().addEventListener("keydown", moveWithKeys);
      }
      if (pan) { map.panTo([lat, lon]); }
    }

    map.on("click", function (event) {
      place(event.latlng.lat, event.latlng.lng, false);
      write(event.latlng);
    });
    element.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.target !== element) { return; }
      event.preventDefault();
      var centre = map.getCenter();
      place(centre.lat, centre.lng, false);
      write(centre);
      marker.getElement().focus();
    });

    function fromInputs() {
      var lat = number(latInput.value), lon = number(lonInput.value);
      if (lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
        place(lat, lon, true);
        say(lat, lon);
      }
    }
    // An address chosen in the address search (address_search.js): the point goes there.
    element.addEventListener("guichet:place", function (event) {
      var lat = number(event.detail.lat), lon = number(event.detail.lon);
      if (lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180) { return; }
      place(lat, lon, false);
      map.setView([lat, lon], Math.max(map.getZoom(), 17), { animate: false });
      write(L.latLng(lat, lon));
    });
    latInput.addEventListener("input", fromInputs);
    lonInput.addEventListener("input", fromInputs);
    fromInputs();
  });
})();
