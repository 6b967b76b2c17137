/* The back office's Leaflet maps. No tile layer: the platform runs offline; the commune
   outlines are the map. Each map reads its data from a <script type="application/json">. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }

  function dataOf(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function esc(text) {
    var div = document.createElement("div");
    div.textContent = String(text);
    return div.innerHTML;
  }

  // A request's page: the commune's outline and the point the person placed. The view is set
  // before the layers are added: a circle marker added to a map without a view throws.
  var request = dataOf("carte-donnees");
  if (request && document.getElementById("carte")) {
    var map = L.map("carte", { attributionControl: false });
    var outline = request.boundary ? L.geoJSON(request.boundary, {
      style: { color: "#000091", weight: 2, fillOpacity: 0.05 }
    }) : null;
    var point = request.point ? L.circleMarker([request.point.lat, request.point.lon], {
      radius: 8, color: "#e1000f", fillOpacity: 0.8
    }) : null;
    if (outline && outline.getBounds().isValid()) { map.fitBounds(outline.getBounds()); }
    else if (point) { map.setView(point.getLatLng(), 15); }
    else { map.setView([46.6, 2.4], 5); }
    if (outline) { outline.addTo(map); }
    if (point) { point.addTo(map); }
  }

  // The dashboards' map: one measure per commune, coloured by class.
  var communes = dataOf("commune-data");
  if (communes && document.getElementById("commune-map")) {
    var communeMap = L.map("commune-map", { attributionControl: false });
    var layer = L.geoJSON(communes, {
      style: function (feature) {
        return { color: "#161616", weight: 1, fillColor: feature.properties.colour, fillOpacity: 0.85 };
      },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        var median = p.median_days === "" || p.median_days === null
          ? "—" : esc(String(p.median_days).replace(".", ",")) + " j";
        shape.bindPopup("<strong>" + esc(p.name) + "</strong> (" + esc(p.code) + ")<br>" +
          esc(p.cases) + " demande(s), " + esc(p.open) + " ouverte(s)<br>Durée médiane : " + median);
      }
    }).addTo(communeMap);
    if (communes.features.length) { communeMap.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
    else { communeMap.setView([46.6, 2.4], 5); }
  }
})();
