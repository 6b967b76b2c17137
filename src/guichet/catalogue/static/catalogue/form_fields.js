/* The request form in the browser: conditional fields and sections (show_if), pages shown
   step by step, repeatable blocks, and the location maps. The server applies the same
   conditions and checks every page at the end: this only spares people irrelevant questions.
   Without this script every page, every field and the blocks sent show at once. */
(function () {
  "use strict";
  var form = document.getElementById("formulaire-demande");
  if (!form) { return; }

  function wrapperOf(name) {
    return form.querySelector('.portal-field[data-field="' + name + '"]');
  }

  function valuesOf(name) {
    var wrapper = wrapperOf(name);
    if (!wrapper || wrapper.closest("[data-show-if][hidden]")) { return []; }
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
    // Document order: a condition always points to an earlier field, already settled; a
    // field inside a hidden section is hidden with it.
    form.querySelectorAll("[data-show-if]").forEach(function (wrapper) {
      var condition = JSON.parse(wrapper.getAttribute("data-show-if"));
      var shown = valuesOf(condition.field).some(function (value) {
        return condition.values.some(function (expected) { return same(value, expected); });
      });
      wrapper.hidden = !shown;
    });
    form.querySelectorAll("input, select, textarea").forEach(function (input) {
      input.disabled = Boolean(input.closest("[data-show-if][hidden]"));
    });
  }
  form.addEventListener("change", applyConditions);
  form.addEventListener("input", applyConditions);

  // Repeatable blocks: « Ajouter » copies the block's <template> (indexes never reused, so
  // names stay unique), « Retirer » removes a block; neither below the minimum nor above
  // the maximum. Blocks are renumbered « Enfant 1, 2, … » after each change.
  form.querySelectorAll(".portal-repeat").forEach(function (repeat) {
    var items = repeat.querySelector(".portal-repeat__items");
    var template = repeat.querySelector(".portal-repeat__template");
    var add = repeat.querySelector(".portal-repeat__add");
    var status = repeat.querySelector(".portal-repeat__status");
    var least = Math.max(Number(repeat.getAttribute("data-min")) || 0, 1);
    var most = Number(repeat.getAttribute("data-max")) || 10;
    var next = 0;
    // The spare empty block a page sent back offers to people without this script: here,
    // « Ajouter » does that.
    items.querySelectorAll(".portal-repeat__item[data-spare]").forEach(function (item) { item.remove(); });
    items.querySelectorAll(".portal-repeat__item").forEach(function (item) {
      next = Math.max(next, Number(item.getAttribute("data-index")) + 1);
    });

    function blocks() { return items.querySelectorAll(":scope > .portal-repeat__item"); }

    function refresh() {
      var all = blocks();
      all.forEach(function (item, position) {
        item.querySelectorAll(".portal-repeat__number").forEach(function (number) {
          number.textContent = String(position + 1);
        });
        item.querySelector(".portal-repeat__remove").hidden = all.length <= least;
      });
      add.hidden = all.length >= most;
    }

    add.addEventListener("click", function () {
      if (blocks().length >= most) { return; }
      var html = template.innerHTML.split("__INDEX__").join(String(next))
        .split("__NUMBER__").join(String(blocks().length + 1));
      next += 1;
      items.insertAdjacentHTML("beforeend", html);
      var added = items.lastElementChild;
      refresh();
      applyConditions();
      var first = added.querySelector("input, select, textarea");
      if (first) { first.focus(); }
      if (status) { status.textContent = added.querySelector("legend").textContent.trim() + " ajouté."; }
    });
    items.addEventListener("click", function (event) {
      var button = event.target.closest(".portal-repeat__remove");
      if (!button || blocks().length <= least) { return; }
      var item = button.closest(".portal-repeat__item");
      var label = item.querySelector("legend").textContent.trim();
      item.remove();
      refresh();
      add.focus();
      if (status) { status.textContent = label + " retiré."; }
    });
    refresh();
  });

  // Pages: one at a time, with « Précédent » / « Suivant » and the step (« Étape 2 sur 3 »).
  // The answers are checked by the server at the end; it sends the form back at the page of
  // the first mistake. What follows the last page (contact details, the send button) shows
  // with the last page only.
  var pages = Array.prototype.slice.call(form.querySelectorAll(".portal-page"));
  if (pages.length > 1) {
    var last = pages[pages.length - 1];
    var after = [];
    for (var node = last.nextElementSibling; node; node = node.nextElementSibling) {
      if (node.tagName !== "SCRIPT") { after.push(node); }
    }
    var stepper = document.createElement("div");
    stepper.className = "fr-stepper";
    stepper.innerHTML = '<h2 class="fr-stepper__title"><span class="portal-stepper__name"></span>' +
      '<span class="fr-stepper__state"></span></h2><div class="fr-stepper__steps"></div>' +
      '<p class="fr-stepper__details"></p>';
    pages[0].parentNode.insertBefore(stepper, pages[0]);
    form.querySelectorAll(".portal-page__step").forEach(function (step) { step.hidden = true; });
    var current = 0;

    function titleOf(page) { return page.querySelector(".portal-page__title").textContent.trim(); }

    function show(index, focus) {
      current = index;
      pages.forEach(function (page, position) {
        page.classList.toggle("portal-page--inactive", position !== index);
      });
      after.forEach(function (element) { element.classList.toggle("portal-page--inactive", index !== pages.length - 1); });
      stepper.querySelector(".portal-stepper__name").textContent = titleOf(pages[index]);
      stepper.querySelector(".fr-stepper__state").textContent = "Étape " + (index + 1) + " sur " + pages.length;
      var steps = stepper.querySelector(".fr-stepper__steps");
      steps.setAttribute("data-fr-current-step", String(index + 1));
      steps.setAttribute("data-fr-steps", String(pages.length));
      var details = stepper.querySelector(".fr-stepper__details");
      details.innerHTML = "";
      if (index < pages.length - 1) {
        var strong = document.createElement("span");
        strong.className = "fr-text--bold";
        strong.textContent = "Étape suivante : ";
        details.appendChild(strong);
        details.appendChild(document.createTextNode(titleOf(pages[index + 1])));
      }
      if (focus) {
        var title = pages[index].querySelector(".portal-page__title");
        stepper.scrollIntoView();
        title.focus();
      }
    }

    pages.forEach(function (page, index) {
      var nav = document.createElement("ul");
      nav.className = "fr-btns-group fr-btns-group--inline-sm fr-mt-2w portal-page__nav";
      if (index > 0) {
        nav.innerHTML += '<li><button type="button" class="fr-btn fr-btn--secondary portal-page__previous">Précédent</button></li>';
      }
      if (index < pages.length - 1) {
        nav.innerHTML += '<li><button type="button" class="fr-btn portal-page__next">Suivant</button></li>';
      }
      page.appendChild(nav);
      nav.addEventListener("click", function (event) {
        if (event.target.closest(".portal-page__next")) { show(index + 1, true); }
        if (event.target.closest(".portal-page__previous")) { show(index - 1, true); }
      });
    });

    function pageOf(element) {
      var page = element && element.closest(".portal-page");
      return page ? pages.indexOf(page) : -1;
    }

    // Sent back with mistakes: the page of the first one; a link of the error summary
    // opens the page of its field.
    var mistake = form.querySelector(".fr-error-text, [aria-invalid='true']");
    var start = pageOf(mistake);
    show(start >= 0 ? start : 0, false);
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      var index = pageOf(target);
      if (index >= 0 && index !== current) { show(index, false); }
    });
  }
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
