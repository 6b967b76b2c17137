/* Areas (« secteurs »): the authority's areas on a Leaflet map, and a small drawing tool —
   click to add vertices of a polygon or of a road line, undo, finish — that writes the
   GeoJSON geometry into the form's textarea. The textarea is the keyboard's way (RGAA):
   pasting a geometry there draws it on the map too. No drawing plugin is shipped as a Python
   package (ADR 0002, ADR 0030). */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var element = document.getElementById("carte-secteurs");
  var dataElement = document.getElementById("secteurs-donnees");
  var textarea = document.getElementById("id_geometry");
  if (!element || !dataElement) { return; }
  var data = JSON.parse(dataElement.textContent);

  var tiles = element.getAttribute("data-tiles");
  var map = L.map(element, { zoomControl: false, attributionControl: Boolean(tiles) });
  L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);

  function shapeOf(geometry, buffer, style) {
    if (!geometry) { return null; }
    return L.geoJSON(geometry, { style: function () {
      return geometry.type === "LineString"
        ? { color: style.color, weight: Math.max(4, Math.min(20, buffer / 2)), opacity: 0.7 }
        : { color: style.color, weight: 2, fillOpacity: 0.15 };
    } });
  }

  var existing = L.featureGroup();
  (data.areas || []).forEach(function (area) {
    var shape = shapeOf(area.geometry, area.buffer, { color: "#000091" });
    if (shape) {
      shape.bindTooltip(String(area.name));
      existing.addLayer(shape);
    }
  });
  var current = L.featureGroup();
  function showCurrent(geometry) {
    current.clearLayers();
    var shape = shapeOf(geometry, data.buffer || 15, { color: "#e1000f" });
    if (shape) { current.addLayer(shape); }
  }
  showCurrent(data.current);

  var bounds = existing.getBounds();
  if (current.getLayers().length) { bounds = current.getBounds(); }
  if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 }); }
  else if (data.centre) { map.setView(data.centre, 14); }
  else { map.setView([46.6, 2.4], 6); }
  if (tiles) {
    map.attributionControl.setPrefix(false);
    L.tileLayer(tiles, { attribution: element.getAttribute("data-tiles-attribution") || "", maxZoom: 19 }).addTo(map);
  }
  existing.addTo(map);
  current.addTo(map);

  if (!textarea) { return; }
  var tools = document.querySelector("[data-draw-tools]");
  var status = document.querySelector("[data-draw-status]");
  var kind = document.getElementById("id_kind");
  if (tools) { tools.hidden = false; }

  var mode = null;
  var vertices = [];
  var preview = null;

  function say(text) { if (status) { status.textContent = text; } }

  function redraw() {
    if (preview) { map.removeLayer(preview); preview = null; }
    if (!vertices.length) { return; }
    preview = (mode === "polygon" && vertices.length > 2)
      ? L.polygon(vertices, { color: "#e1000f", weight: 2, dashArray: "4 4", fillOpacity: 0.1 })
      : L.polyline(vertices, { color: "#e1000f", weight: 3, dashArray: "4 4" });
    preview.addTo(map);
  }

  function rounded(n) { return Math.round(n * 1e7) / 1e7; }

  function finish() {
    if (!mode) { return; }
    var need = mode === "polygon" ? 3 : 2;
    if (vertices.length < need) {
      say(mode === "polygon" ? "Un polygone a au moins trois points." : "Une voie a au moins deux points.");
      return;
    }
    var coordinates = vertices.map(function (v) { return [rounded(v.lng), rounded(v.lat)]; });
    var geometry = mode === "polygon"
      ? { type: "Polygon", coordinates: [coordinates.concat([coordinates[0]])] }
      : { type: "LineString", coordinates: coordinates };
    textarea.value = JSON.stringify(geometry);
    showCurrent(geometry);
    say("Tracé reporté dans le champ GeoJSON (" + vertices.length + " points).");
    stop();
  }

  function stop() {
    mode = null;
    vertices = [];
    redraw();
    element.classList.remove("backoffice-drawing");
  }

  map.on("click", function (event) {
    if (!mode) { return; }
    vertices.push(event.latlng);
    redraw();
    say(vertices.length + (vertices.length > 1 ? " points placés." : " point placé."));
  });

  if (tools) {
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("[data-draw]");
      if (!button) { return; }
      var action = button.getAttribute("data-draw");
      if (action === "polygon" || action === "line") {
        mode = action;
        vertices = [];
        redraw();
        element.classList.add("backoffice-drawing");
        if (action === "line" && kind) { kind.value = "voie"; }
        say(action === "polygon" ? "Cliquez sur la carte pour placer les sommets du polygone."
          : "Cliquez sur la carte pour placer les points de la voie.");
      } else if (action === "undo") {
        vertices.pop();
        redraw();
        say(vertices.length + (vertices.length > 1 ? " points placés." : " point placé."));
      } else if (action === "finish") {
        finish();
      } else if (action === "clear") {
        stop();
        textarea.value = "";
        showCurrent(null);
        say("Tracé effacé.");
      }
    });
  }

  textarea.addEventListener("change", function () {
    try {
      var parsed = JSON.parse(textarea.value);
      if (parsed && parsed.type === "Feature") { parsed = parsed.geometry; }
      showCurrent(parsed);
      if (current.getLayers().length && current.getBounds().isValid()) {
        map.fitBounds(current.getBounds(), { padding: [20, 20], maxZoom: 17 });
      }
    } catch (error) {
      showCurrent(null);  // the server says what is wrong when the form is sent
    }
  });
})();
