// Search without a page reload: the form and the page links fetch the same server-rendered page,
// swap in its results and put the count into the status region that is already on the page, so
// screen readers announce "12 photos found". Without JavaScript the form works as a plain GET.
(function () {
  "use strict";
  var form = document.querySelector("form[data-search-form]");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!form || !results || !status || !window.fetch || !window.DOMParser) return;

  function load(url, push) {
    status.textContent = window.gettext ? window.gettext("Searching…") : "Searching…";
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("search-results");
        var freshStatus = doc.getElementById("search-status");
        var freshError = doc.getElementById("search-error-region");
        var errorRegion = document.getElementById("search-error-region");
        if (!fresh || !freshStatus) { window.location.href = url; return; }
        results.innerHTML = fresh.innerHTML;
        if (errorRegion && freshError) errorRegion.innerHTML = freshError.innerHTML;
        document.title = doc.title;
        status.textContent = freshStatus.textContent;
        if (push) history.pushState({ url: url }, "", url);
      })
      .catch(function () { window.location.href = url; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var q = form.querySelector("input[name=q]").value;
    load(form.action + "?q=" + encodeURIComponent(q), true);
  });
  results.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-search-page]");
    if (!link) return;
    event.preventDefault();
    load(link.href, true);
    document.getElementById("results-title").focus();
  });
  window.addEventListener("popstate", function () { window.location.reload(); });
})();
