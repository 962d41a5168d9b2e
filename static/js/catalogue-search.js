// Suggestions as you type in the catalogue search box. Progressive enhancement: without this file the
// form submits and the list page shows the results. The suggestions are ordinary links.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest-url]");
  var box = document.getElementById("drug-suggestions");
  if (!input || !box) { return; }
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  box.parentNode.appendChild(status);
  input.setAttribute("aria-controls", box.id);
  var timer = null;
  var latest = 0;

  function close() {
    box.hidden = true;
    box.textContent = "";
  }

  function links() { return Array.prototype.slice.call(box.querySelectorAll("a")); }

  function show(results) {
    box.textContent = "";
    if (!results.length) { close(); status.textContent = input.dataset.suggestNone || ""; return; }
    var list = document.createElement("ul");
    list.setAttribute("aria-label", input.dataset.suggestLabel || "");
    results.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.label;
      if (item.brand) {
        var brand = document.createElement("span");
        brand.className = "suggestion-brand";
        brand.textContent = " (" + item.brand + ")";
        a.appendChild(brand);
      }
      li.appendChild(a);
      list.appendChild(li);
    });
    box.appendChild(list);
    box.hidden = false;
    status.textContent = (input.dataset.suggestCount || "%(count)s").replace("%(count)s", results.length);
  }

  function fetchSuggestions() {
    var query = input.value.trim();
    if (query.length < 2) { close(); return; }
    var ticket = ++latest;
    var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(query);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (ticket === latest) { show(data.results || []); } })
      .catch(function () { close(); });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(fetchSuggestions, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && !box.hidden && links().length) {
      event.preventDefault();
      links()[0].focus();
    } else if (event.key === "Escape") {
      close();
    }
  });
  box.addEventListener("keydown", function (event) {
    var items = links();
    var index = items.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && index < items.length - 1) {
      event.preventDefault();
      items[index + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (index > 0) { items[index - 1].focus(); } else { input.focus(); }
    } else if (event.key === "Escape") {
      close();
      input.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target !== input && !box.contains(event.target)) { close(); }
  });
})();
