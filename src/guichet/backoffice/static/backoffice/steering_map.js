/* The steering pages' map: communes coloured by their requests per 1,000 inhabitants, read from
   <script id="rate-data" type="application/json"> (the same figures are in the table under it). */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var source = document.getElementById("rate-data");
  var element = document.getElementById("rate-map");
  if (!source || !element) { return; }
  var data = JSON.parse(source.textContent);

  function esc(text) {
    var div = document.createElement("div");
    div.textContent = String(text);
    return div.innerHTML;
  }

  var tiles = element.getAttribute("data-tiles");
  var map = L.map(element, { zoomControl: false, attributionControl: Boolean(tiles) });
  L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
  var layer = L.geoJSON(data, {
    style: function (feature) {
      return { color: "#161616", weight: 1, fillColor: feature.properties.colour,
               fillOpacity: tiles ? 0.6 : 0.85 };
    },
    onEachFeature: function (feature, shape) {
      var p = feature.properties;
      var rate = p.rate === null ? "—" : String(p.rate).replace(".", ",");
      shape.bindPopup("<strong>" + esc(p.name) + "</strong> (" + esc(p.code) + ")<br>" +
        esc(rate) + " demandes pour 1 000 habitants");
    }
  });
  var bounds = layer.getBounds();
  if (bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); }
  else { map.setView([46.6, 2.4], 5); }
  if (tiles) {
    map.attributionControl.setPrefix(false);
    L.tileLayer(tiles, { attribution: element.getAttribute("data-tiles-attribution") || "", maxZoom: 19 })
      .addTo(map);
  }
  layer.addTo(map);
}());
