/* The open consultations on a map: each consultation's territory (its area, or the outline of
   its communes) from the page's JSON (#consultations-carte-donnees), with a link to its page.
   The list under the map holds the same information (RGAA: the map is not the only way). */
(function () {
  "use strict";
  var element = document.getElementById("consultations-carte");
  var source = document.getElementById("consultations-carte-donnees");
  if (!element || !source || typeof L === "undefined") { return; }

  function esc(text) {
    var div = document.createElement("div");
    div.textContent = String(text);
    return div.innerHTML;
  }

  var items = JSON.parse(source.textContent);
  var tiles = element.getAttribute("data-tiles");
  var map = L.map(element, { zoomControl: false, attributionControl: Boolean(tiles) });
  L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
  map.setView([46.6, 2.4], 5);
  if (tiles) {
    map.attributionControl.setPrefix(false);
    L.tileLayer(tiles, { attribution: element.getAttribute("data-tiles-attribution") || "", maxZoom: 19 })
      .addTo(map);
  }
  var bounds = null;
  items.forEach(function (item) {
    item.shapes.forEach(function (shape) {
      var layer = L.geoJSON(shape, {
        style: { color: "#000091", weight: 2, fillColor: "#6a6af4", fillOpacity: tiles ? 0.08 : 0.2 }
      }).bindPopup('<a href="' + esc(item.url) + '">' + esc(item.title) + "</a>");
      layer.addTo(map);
      var b = layer.getBounds();
      if (b.isValid()) { bounds = bounds ? bounds.extend(b) : b; }
    });
  });
  if (bounds) { map.fitBounds(bounds, { padding: [12, 12] }); }
  element.setAttribute("data-loaded", String(items.length));
})();
