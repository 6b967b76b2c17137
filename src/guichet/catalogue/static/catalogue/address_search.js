/* Address search on the request forms (portal and counter), a progressive enhancement.

   Every address field (autocomplete="street-address") and a search input added above every
   location map become ARIA 1.2 comboboxes: suggestions from /adresses/recherche/ in a listbox,
   arrows to move, Enter to choose, Escape to close, their number said in a live region.
   Choosing an address fills the address field and places the point on the map (the map, in
   form_fields.js, listens for `guichet:place`). A point placed on the map (`guichet:point-placed`)
   is looked up at /adresses/point/: the address field is filled when it is empty or was filled
   here. Failures (nothing found, point outside the commune, address search down) are said in
   French next to the field; what was typed stays. Without this script: plain inputs. */
(function () {
  "use strict";
  var script = document.currentScript;
  var form = document.getElementById("formulaire-demande");
  if (!script || !form || !window.fetch || !window.URLSearchParams) { return; }
  var searchUrl = script.getAttribute("data-search");
  var pointUrl = script.getAttribute("data-point");
  var commune = script.getAttribute("data-commune") || "";
  if (!searchUrl || !pointUrl) { return; }
  var SHORTEST = 3, LONGEST = 200, WAIT = 250;
  var FAILED = "La recherche d'adresses n'a pas abouti : vous pouvez placer le point sur la " +
    "carte ou décrire le lieu.";
  var OUTSIDE = "Cette adresse n'est pas dans la commune de la demande : choisissez une autre " +
    "adresse, ou une autre commune.";

  function urlFor(base, params) {
    var query = new URLSearchParams(params);
    if (commune) { query.set("commune", commune); }
    return base + "?" + query.toString();
  }

  // Resolves with the JSON answer; rejects with a French message (or an AbortError).
  function getJson(url, signal) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", signal: signal })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { throw { french: data.error || FAILED }; }
          return data;
        }, function () { throw { french: FAILED }; });
      });
  }

  function failureText(failure) {
    return failure && failure.french ? failure.french : FAILED;
  }

  function aborted(failure) { return failure && failure.name === "AbortError"; }

  function describe(input, id) {
    var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (ids.indexOf(id) < 0) { ids.push(id); }
    input.setAttribute("aria-describedby", ids.join(" "));
  }

  var counter = 0;

  // An ARIA 1.2 combobox on `input`: `choose(place)` is called with the suggestion chosen.
  function combobox(input, choose) {
    counter += 1;
    var id = input.id || ("recherche-adresse-" + counter);
    input.id = id;
    var listbox = document.createElement("ul");
    listbox.id = id + "-suggestions";
    listbox.className = "guichet-places";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", "Adresses proposées");
    listbox.hidden = true;
    var live = document.createElement("p");
    live.className = "fr-sr-only";
    live.id = id + "-annonce";
    live.setAttribute("aria-live", "polite");
    var message = document.createElement("p");
    message.className = "fr-text--sm fr-mt-1w fr-mb-0 guichet-place-message";
    message.id = id + "-message";
    message.hidden = true;
    input.parentNode.classList.add("guichet-places-anchor");
    input.insertAdjacentElement("afterend", listbox);
    listbox.insertAdjacentElement("afterend", message);
    message.insertAdjacentElement("afterend", live);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("autocomplete", "off");
    describe(input, message.id);

    var places = [], active = -1, timer = null, pending = null, asked = "";

    function say(text) {
      message.textContent = text || "";
      message.hidden = !text;
    }

    function announce(text) { live.textContent = text; }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (!places.length) { return; }
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function highlight(index) {
      var options = listbox.querySelectorAll('[role="option"]');
      active = index;
      options.forEach(function (option, position) {
        option.setAttribute("aria-selected", position === index ? "true" : "false");
      });
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(found) {
      places = found;
      listbox.textContent = "";
      found.forEach(function (place, index) {
        var option = document.createElement("li");
        option.id = listbox.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = place.label + (place.outside ? " (hors de la commune)" : "");
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { pick(index); });
        listbox.appendChild(option);
      });
      active = -1;
      if (found.length) { open(); } else { close(); }
    }

    function pick(index) {
      var place = places[index];
      if (!place) { return; }
      input.value = place.label;
      asked = place.label;
      close();
      say(place.outside ? OUTSIDE : "");
      announce("Adresse choisie : " + place.label + ".");
      choose(place);
    }

    function search() {
      var text = input.value.trim();
      if (text === asked) { return; }
      asked = text;
      if (pending) { pending.abort(); pending = null; }
      if (text.length < SHORTEST) { show([]); say(""); announce(""); return; }
      if (text.length > LONGEST) {
        show([]);
        say("L'adresse est trop longue pour être recherchée : " + LONGEST + " caractères au plus.");
        return;
      }
      var controller = window.AbortController ? new AbortController() : null;
      pending = controller;
      getJson(urlFor(searchUrl, { q: text }), controller ? controller.signal : undefined)
        .then(function (data) {
          if (input.value.trim() !== text) { return; }
          show(data.places || []);
          var count = (data.places || []).length;
          var visible = data.fallback || !count ? data.message : "";
          say(visible);
          announce(count ? data.message + " Flèches haut et bas pour choisir, Entrée pour valider." : data.message);
        }, function (failure) {
          if (aborted(failure)) { return; }
          show([]);
          say(failureText(failure));
          announce(failureText(failure));
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, WAIT);
    });
    input.addEventListener("keydown", function (event) {
      var expanded = !listbox.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!places.length) { return; }
        event.preventDefault();
        if (!expanded) { open(); highlight(event.key === "ArrowDown" ? 0 : places.length - 1); return; }
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + places.length) % places.length);
      } else if (event.key === "Enter") {
        if (expanded && active >= 0) { event.preventDefault(); pick(active); }
        else if (input.getAttribute("data-no-submit")) {
          event.preventDefault();
          window.clearTimeout(timer);
          search();
        }
      } else if (event.key === "Escape") {
        if (expanded) { event.preventDefault(); close(); }
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", close);

    return { say: say };
  }

  // The form's address fields; the first is the one a place found on the map fills, and
  // `autoFilled` says whether its text was written here (then it may be replaced).
  var addresses = Array.prototype.slice.call(
    form.querySelectorAll('input[autocomplete="street-address"]'));
  var address = addresses.length ? addresses[0] : null;
  var autoFilled = false;
  var placing = false; // true while this script moves the point itself: no reverse look-up

  function fillAddress(label) {
    if (!address || address.disabled) { return false; }
    if (address.value.trim() !== "" && !autoFilled) { return false; }
    address.value = label;
    autoFilled = true;
    return true;
  }

  function maps() { return Array.prototype.slice.call(form.querySelectorAll(".portal-map")); }

  function placeOn(map, place) {
    if (!map) { return; }
    placing = true;
    try {
      map.dispatchEvent(new CustomEvent("guichet:place", { detail: { lat: place.lat, lon: place.lon } }));
    } finally {
      placing = false;
    }
  }

  addresses.forEach(function (field) {
    combobox(field, function (place) {
      if (field === address) { autoFilled = false; } // chosen: a click will not replace it
      placeOn(maps()[0], place);
    });
  });
  if (address) { address.addEventListener("input", function () { autoFilled = false; }); }

  maps().forEach(function (map) {
    var element = map.closest(".fr-fieldset__element");
    if (!element) { return; }
    var block = document.createElement("div");
    block.className = "fr-fieldset__element";
    var group = document.createElement("div");
    group.className = "fr-input-group fr-mb-1w";
    var label = document.createElement("label");
    label.className = "fr-label";
    label.setAttribute("for", map.id + "-recherche");
    label.textContent = "Rechercher une adresse";
    var hint = document.createElement("span");
    hint.className = "fr-hint-text";
    hint.textContent = "Choisissez une adresse proposée : le point est placé sur la carte.";
    label.appendChild(hint);
    var input = document.createElement("input");
    input.className = "fr-input";
    input.type = "text";
    input.id = map.id + "-recherche";
    input.setAttribute("data-no-submit", "true");
    input.setAttribute("maxlength", String(LONGEST));
    group.appendChild(label);
    group.appendChild(input);
    block.appendChild(group);
    element.parentNode.insertBefore(block, element);
    var box = combobox(input, function (place) {
      placeOn(map, place);
      fillAddress(place.label);
    });

    var timer = null, pending = null;
    map.addEventListener("guichet:point-placed", function (event) {
      if (placing) { return; }
      var lat = event.detail.lat, lon = event.detail.lon;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        if (pending) { pending.abort(); }
        var controller = window.AbortController ? new AbortController() : null;
        pending = controller;
        getJson(urlFor(pointUrl, { lat: lat.toFixed(6), lon: lon.toFixed(6) }),
          controller ? controller.signal : undefined)
          .then(function (data) {
            var place = data.place;
            var filled = place && !data.outside ? fillAddress(place.label) : false;
            if (data.message) { box.say(data.message); }
            else if (place) {
              box.say("Adresse la plus proche : " + place.label + "." +
                (filled ? " Elle a été reportée dans le champ adresse." : ""));
            } else { box.say(""); }
          }, function (failure) {
            if (!aborted(failure)) { box.say(failureText(failure)); }
          });
      }, WAIT);
    });
  });

})();
