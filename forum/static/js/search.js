// Similar threads while a new thread's title is typed (debounced); the form works without it.
(function () {
  "use strict";
  var hint = document.getElementById("similar-hint");
  if (!hint) { return; }
  var form = hint.closest("form") || document;
  var input = form.querySelector("[name='" + (hint.dataset.titleField || "title") + "']");
  if (!input) { return; }
  var list = hint.querySelector("ul");
  var timer = null;
  var last = "";
  var controller = null;

  function render(results) {
    list.textContent = "";
    results.forEach(function (item) {
      var li = document.createElement("li");
      var link = document.createElement(item.url ? "a" : "span");
      if (item.url) { link.href = item.url; link.target = "_blank"; link.rel = "noopener"; }
      link.textContent = item.title;
      li.appendChild(link);
      var meta = document.createElement("span");
      meta.className = "result-meta";
      meta.textContent = " · " + item.country_name + " · " + item.language_name;
      li.appendChild(meta);
      list.appendChild(li);
    });
    hint.hidden = results.length === 0;
  }

  function lookup() {
    var title = input.value.trim();
    if (title === last) { return; }
    last = title;
    if (title.length < 3) { render([]); return; }
    if (controller) { controller.abort(); }
    controller = new AbortController();
    var url = hint.dataset.similarUrl + "?title=" + encodeURIComponent(title);
    fetch(url, { headers: { "Accept": "application/json" }, signal: controller.signal, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { render(data.results || []); })
      .catch(function () { /* aborted or offline: keep the form usable */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 350);
  });
})();
