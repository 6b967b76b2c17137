/* The public map of reports: the GeoJSON of /signalements/donnees.geojson (the element's
   data-source) as points, each with its public fields and a link to its page; and on one
   report's page, its approximate place. The background comes from data-tiles
   (GUICHET_MAP_TILES_URL); without one, the points on a plain background (ADR 0020).
   The list under the map holds the same information (RGAA: the map is not the only way). */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }

  var COLOURS = { ongoing: "#e1000f", action_needed: "#b34000", done: "#18753c" };
  var MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre"];

  function esc(text) {
    var div = document.createElement("div");
    div.textContent = String(text);
    return div.innerHTML;
  }

  function frenchDate(iso) {
    var parts = String(iso).split("-");
    if (parts.length !== 3) { return esc(iso); }
    var day = parseInt(parts[2], 10);
    return (day === 1 ? "1er" : String(day)) + " " + MONTHS[parseInt(parts[1], 10) - 1] + " " + parts[0];
  }

  function makeMap(element) {
    var tiles = element.getAttribute("data-tiles");
    var map = L.map(element, { zoomControl: false, attributionControl: Boolean(tiles) });
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    return {
      map: map,
      addTiles: function () {
        if (!tiles) { return; }
        map.attributionControl.setPrefix(false);
        L.tileLayer(tiles, { attribution: element.getAttribute("data-tiles-attribution") || "", maxZoom: 19 })
          .addTo(map);
      }
    };
  }

  function popupOf(p) {
    var others = (p.followers || 0) + (p.duplicates || 0);
    return "<strong>" + esc(p.service) + "</strong><br>" + esc(p.status_label) +
      (p.commune ? " — " + esc(p.commune) : "") + "<br>Signalé le " + frenchDate(p.date) +
      (others ? "<br>Signalé aussi par " + others + (others > 1 ? " autres personnes" : " autre personne") : "") +
      '<br><a href="/signalements/' + encodeURIComponent(p.reference) + '/">Voir le signalement ' +
      esc(p.reference) + "</a>";
  }

  var element = document.getElementById("carte-signalements");
  if (element) {
    var state = document.getElementById("carte-signalements-etat");
    var made = makeMap(element);
    made.map.setView([46.6, 2.4], 5);
    made.addTiles();
    fetch(element.getAttribute("data-source"), { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, at) {
            return L.circleMarker(at, {
              radius: 7, weight: 1, color: "#161616", fillOpacity: 0.85,
              fillColor: COLOURS[feature.properties.status] || "#000091"
            });
          },
          onEachFeature: function (feature, shape) { shape.bindPopup(popupOf(feature.properties)); }
        });
        layer.addTo(made.map);
        var count = data.features.length;
        if (count) { made.map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 16 }); }
        element.setAttribute("data-loaded", String(count));
        if (state) {
          state.textContent = count === 0 ? "Aucun signalement localisé sur la carte." :
            count + (count > 1 ? " signalements localisés sur la carte" : " signalement localisé sur la carte") +
            (data.truncated ? " (les plus récents seulement)." : ".");
        }
      })
      .catch(function () {
        element.setAttribute("data-loaded", "error");
        if (state) { state.textContent = "La carte n'a pas pu être chargée : consultez la liste ci-dessous."; }
      });
  }

  var one = document.getElementById("carte-signalement");
  var pointData = document.getElementById("signalement-point");
  if (one && pointData) {
    var point = JSON.parse(pointData.textContent);
    var single = makeMap(one);
    single.map.setView(point, 16);
    single.addTiles();
    L.circle(point, { radius: 60, color: "#000091", weight: 2, fillOpacity: 0.15 }).addTo(single.map);
    one.setAttribute("data-loaded", "1");
  }
})();
