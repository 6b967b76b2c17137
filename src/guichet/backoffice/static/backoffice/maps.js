/* The back office's Leaflet maps. Each map reads its data from a <script type="application/json">
   and its background from its element's data-tiles (GUICHET_MAP_TILES_URL); without one, the
   commune outlines on a plain background are the map (the platform runs offline too). */
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

  function plural(count, one, many) { return count + " " + (count > 1 ? many : one); }

  // A map with French zoom buttons, its view set from `bounds` (or France) BEFORE any layer is
  // added (a layer added to a map without a view throws: "reading 'min'"), then its tiles.
  function makeMap(element, bounds, fallback) {
    var tiles = element.getAttribute("data-tiles");
    var map = L.map(element, { zoomControl: false, attributionControl: Boolean(tiles) });
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    if (bounds && bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10], maxZoom: 17 }); }
    else if (fallback) { map.setView(fallback, 15); }
    else { map.setView([46.6, 2.4], 5); }
    if (tiles) {
      map.attributionControl.setPrefix(false);
      L.tileLayer(tiles, { attribution: element.getAttribute("data-tiles-attribution") || "", maxZoom: 19 })
        .addTo(map);
    }
    return map;
  }

  // A request's page: the commune's outline and the point the person placed.
  var request = dataOf("carte-donnees");
  var requestElement = document.getElementById("carte");
  if (request && requestElement) {
    var tiled = requestElement.hasAttribute("data-tiles");
    var outline = request.boundary ? L.geoJSON(request.boundary, {
      style: { color: "#000091", weight: 2, fillOpacity: tiled ? 0.02 : 0.05 }
    }) : null;
    var point = request.point ? L.circleMarker([request.point.lat, request.point.lon], {
      radius: 8, color: "#e1000f", fillOpacity: 0.8
    }) : null;
    var map = makeMap(requestElement, outline && outline.getBounds(), point && point.getLatLng());
    if (outline) { outline.addTo(map); }
    if (point) { point.addTo(map); }
  }

  // The dashboards' map: one measure per commune, coloured by class; with one commune, its
  // requests as points (or a grid of counts when there are many).
  var communes = dataOf("commune-data");
  var located = dataOf("commune-points");
  var communeElement = document.getElementById("commune-map");
  if (communes && communeElement) {
    var tiledCommunes = communeElement.hasAttribute("data-tiles");
    var detailed = Boolean(located && located.features.length);
    var layer = L.geoJSON(communes, {
      interactive: !detailed,
      style: function (feature) {
        return detailed
          ? { color: "#000091", weight: 2, fillOpacity: 0 }
          : { color: "#161616", weight: 1, fillColor: feature.properties.colour,
              fillOpacity: tiledCommunes ? 0.6 : 0.85 };
      },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        var median = p.median_days === "" || p.median_days === null
          ? "—" : esc(String(p.median_days).replace(".", ",")) + " j";
        shape.bindPopup("<strong>" + esc(p.name) + "</strong> (" + esc(p.code) + ")<br>" +
          esc(plural(p.cases, "demande", "demandes")) + ", " +
          esc(plural(p.open, "ouverte", "ouvertes")) + "<br>Durée médiane : " + median);
      }
    });
    var details = detailed ? L.geoJSON(located, {
      pointToLayer: function (feature, at) {
        return L.circleMarker(at, {
          radius: 6, weight: 1, color: "#161616",
          fillColor: feature.properties.open ? "#e1000f" : "#000091", fillOpacity: 0.85
        });
      },
      style: function (feature) {  // given to the points too: theirs are set above
        if (feature.geometry.type === "Point") { return {}; }
        return { color: "#161616", weight: 1, fillColor: feature.properties.colour, fillOpacity: 0.75 };
      },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        shape.bindPopup(p.reference
          ? "<strong>" + esc(p.reference) + "</strong><br>" + esc(p.service) + "<br>" +
            (p.open ? "ouverte" : "close")
          : esc(plural(p.count, "demande", "demandes")) + " dans cette maille");
      }
    }) : null;
    var bounds = layer.getBounds();
    if (details) { bounds.extend(details.getBounds()); }
    var communeMap = makeMap(communeElement, bounds, null);
    layer.addTo(communeMap);
    if (details) { details.addTo(communeMap); }
  }
})();
