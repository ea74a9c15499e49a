// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";
  // The interface language's words come from Django's JavaScript catalogue (/jsi18n/, loaded
  // before this script); without it, the English source text.
  var gettext = window.gettext || function (s) { return s; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  function fmt(text, values) { return text.replace(/%\((\w+)\)s/g, function (_, key) { return String(values[key]); }); }

  // --- Upload: client-side checks (the server checks again), drag-and-drop as an extra. ---
  function initUpload(form) {
    var input = form.querySelector('input[type="file"]');
    var summary = document.querySelector("[data-error-summary]");
    var maxBytes = parseInt(form.dataset.maxBytes, 10);
    var maxFiles = parseInt(form.dataset.maxFiles, 10);
    var zone = form.querySelector("[data-drop-zone]");

    function showErrors(errors) {
      if (!summary) { return; }
      var list = summary.querySelector("ul");
      list.textContent = "";
      errors.forEach(function (text) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = "#" + input.id;
        a.textContent = text;
        li.appendChild(a);
        list.appendChild(li);
      });
      summary.hidden = false;
      summary.focus();
    }

    function check() {
      var errors = [];
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length) { errors.push(gettext("Choose at least one photo to upload.")); }
      if (files.length > maxFiles) { errors.push(fmt(gettext("You chose %(count)s files; upload at most %(max)s at a time."), { count: files.length, max: maxFiles })); }
      files.forEach(function (f) {
        var looksLikeImage = /^image\//.test(f.type) || /\.(heic|heif)$/i.test(f.name);
        if (f.size === 0) { errors.push(fmt(gettext("%(name)s: the file is empty."), { name: f.name })); }
        else if (f.size > maxBytes) { errors.push(fmt(gettext("%(name)s: the file is larger than %(mb)s MB."), { name: f.name, mb: Math.round(maxBytes / 1048576) })); }
        else if (!looksLikeImage) { errors.push(fmt(gettext("%(name)s: this is not an image file."), { name: f.name })); }
      });
      return errors;
    }

    var progress = form.querySelector("#upload-status");
    var sending = false;
    form.addEventListener("submit", function (event) {
      var errors = check();
      if (errors.length) { event.preventDefault(); showErrors(errors); return; }
      if (sending) { event.preventDefault(); return; }  // one upload per press
      sending = true;
      var n = input.files.length;
      if (progress) { progress.textContent = fmt(ngettext("Uploading %(count)s photo…", "Uploading %(count)s photos…", n), { count: n }); }
    });

    if (zone && window.DataTransfer) {
      ["dragenter", "dragover"].forEach(function (name) {
        zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("is-dragging"); });
      });
      ["dragleave", "drop"].forEach(function (name) {
        zone.addEventListener(name, function () { zone.classList.remove("is-dragging"); });
      });
      zone.addEventListener("drop", function (e) {
        e.preventDefault();
        if (e.dataTransfer && e.dataTransfer.files.length) {
          input.files = e.dataTransfer.files;
          input.dispatchEvent(new Event("change"));
        }
      });
    }
  }

  // --- Status polling with throttled announcements in a live region. ---
  var ANNOUNCE_EVERY_MS = 4000;
  function initPolling() {
    var region = document.getElementById("poll-status");
    var nodes = document.querySelectorAll("[data-photo-id]");
    var urlNode = document.querySelector("[data-poll-url]");
    if (!region || !urlNode || !nodes.length) { return; }
    var url = urlNode.dataset.pollUrl;
    var pending = {};
    nodes.forEach(function (n) {
      if (["queued", "processing"].indexOf(n.dataset.status) >= 0) { pending[n.dataset.photoId] = n; }
    });
    var queue = [];
    var lastAnnounce = 0;

    function announce() {
      var now = Date.now();
      if (!queue.length || now - lastAnnounce < ANNOUNCE_EVERY_MS) { return; }
      region.textContent = queue.join(" ");
      queue = [];
      lastAnnounce = now;
    }

    function update(info) {
      var node = pending[info.id];
      if (!node || node.dataset.status === info.status) { return; }
      node.dataset.status = info.status;
      var label = node.querySelector("[data-status-label]") || node;
      label.textContent = info.status_label;
      label.className = "status status-" + info.status;
      var alt = node.querySelector("[data-alt]");
      var img = node.querySelector("img");
      if (info.finished) {
        delete pending[info.id];
        // The alt text may be in another language than the page: say so (WCAG 3.1.2).
        var other = info.status === "done" && info.alt_lang && info.alt_lang !== document.documentElement.lang;
        var messageOther = info.status !== "done" && info.message_lang && info.message_lang !== document.documentElement.lang;
        if (alt) { alt.textContent = info.status === "done" ? info.alt : info.message; if (other) { alt.lang = info.alt_lang; } else if (messageOther) { alt.lang = info.message_lang; } }
        if (img) { img.alt = info.alt; if (other) { img.lang = info.alt_lang; } }
        queue.push(info.status === "done" ? fmt(gettext("%(name)s: alt text ready."), { name: info.name }) : info.name + ": " + info.status_label.toLowerCase() + ". " + info.message);
        if (node.id === "photo-status") { offerReload(); }
        if (!Object.keys(pending).length) { allDone(); }
      } else if (info.status === "processing") {
        queue.push(fmt(gettext("%(name)s: processing."), { name: info.name }));
      }
    }

    function allDone() {
      var hint = document.getElementById("refresh-hint");
      if (hint) { hint.textContent = gettext("All photos are described."); }
    }

    function offerReload() {
      var p = document.createElement("p");
      var a = document.createElement("a");
      a.href = window.location.pathname;
      a.textContent = gettext("Show the alt text");
      p.appendChild(a);
      region.parentNode.insertBefore(p, region.nextSibling);
    }

    function poll() {
      var ids = Object.keys(pending);
      if (!ids.length) { announce(); if (queue.length) { setTimeout(poll, ANNOUNCE_EVERY_MS); } return; }
      fetch(url + "?ids=" + ids.join(","), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { photos: [] }; })
        .then(function (data) { data.photos.forEach(update); announce(); })
        .catch(function () { /* keep polling: the network may come back */ })
        .then(function () { setTimeout(poll, 2000); });
    }
    if (Object.keys(pending).length) { setTimeout(poll, 1500); }
  }

  // --- Copy buttons and the alt text character count. ---
  function initCopy(button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.dataset.copy);
      var region = document.getElementById("messages");
      function done(ok) { if (region) { region.textContent = ok ? gettext("Copied to the clipboard.") : gettext("Could not copy: select the text and copy it."); } }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { done(true); }, function () { field.select(); done(false); });
      } else {
        field.select();
        done(document.execCommand && document.execCommand("copy"));
      }
    });
  }

  function initCount(node) {
    var area = document.getElementById("id_alt_text");
    if (!area) { return; }
    function render() { var n = area.value.length; node.textContent = fmt(ngettext("%(count)s character (aim for at most 125).", "%(count)s characters (aim for at most 125).", n), { count: n }); }
    area.addEventListener("input", render);
    render();
  }

  // --- Photo page: pick a region out on the overlay while its list entry or a phrase naming it
  // has focus or the pointer, or is the page's #target. ---
  function initRegions(section) {
    var highlights = section.querySelectorAll("[data-highlight]");
    var items = section.querySelectorAll("[data-region]");
    var phrases = document.querySelectorAll("a.mention[data-regions]");
    function show(numbers) {
      highlights.forEach(function (h) { h.hidden = numbers.indexOf(h.dataset.highlight) < 0; });
      items.forEach(function (li) { li.classList.toggle("is-highlighted", numbers.indexOf(li.dataset.region) >= 0); });
    }
    function fromHash() {
      var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
      if (target && target.dataset.region) { return [target.dataset.region]; }
      if (target && target.dataset.regions) { return target.dataset.regions.split(" "); }
      return [];
    }
    function bind(node, numbers) {
      ["focusin", "mouseenter"].forEach(function (name) { node.addEventListener(name, function () { show(numbers); }); });
      ["focusout", "mouseleave"].forEach(function (name) { node.addEventListener(name, function () { show(fromHash()); }); });
    }
    items.forEach(function (li) { bind(li, [li.dataset.region]); });
    phrases.forEach(function (a) { bind(a, a.dataset.regions.split(" ")); });
    window.addEventListener("hashchange", function () { show(fromHash()); });
    show(fromHash());
  }

  // --- Focus after a page load that follows an action: the error summary first, then the
  // element the address points at (the result after saving), then the status messages. ---
  function initialFocus() {
    var summary = document.querySelector("[data-error-summary]:not([hidden])");
    if (summary) { summary.focus(); return; }
    var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
    if (target && target.getAttribute("tabindex") === "-1") { target.focus(); return; }
    var messages = document.getElementById("messages");
    if (messages && messages.textContent.trim()) { messages.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".upload-form").forEach(initUpload);
    document.querySelectorAll("[data-copy]").forEach(initCopy);
    document.querySelectorAll("[data-char-count]").forEach(initCount);
    document.querySelectorAll("[data-regions-section]").forEach(initRegions);
    initialFocus();
    initPolling();
  });
})();
