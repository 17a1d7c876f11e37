// Board enhancements: live Markdown preview and tag suggestions. Everything works without it:
// the Preview button renders on the server and the tag field takes comma-separated text.
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function debounce(fn, wait) {
    var timer = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, wait);
    };
  }

  // Live preview -----------------------------------------------------------------------------
  function setupPreview(editor) {
    var url = editor.getAttribute("data-preview-url");
    var textarea = editor.querySelector("textarea");
    var box = editor.querySelector(".live-preview");
    var target = box && box.querySelector(".preview-body");
    if (!url || !textarea || !box || !target) { return; }
    var form = textarea.form;
    var lastSent = null;
    var refresh = debounce(function () {
      var text = textarea.value;
      if (text === lastSent) { return; }
      lastSent = text;
      if (!text.trim()) { box.hidden = true; target.innerHTML = ""; return; }
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(form),
                  "Accept": "application/json"},
        body: JSON.stringify({body: text})
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (!data || typeof data.html !== "string") { return; }
        // The HTML was sanitized on the server by the same allow-list as published posts.
        target.innerHTML = data.html;
        box.hidden = false;
        var serverPreview = editor.querySelector(".server-preview");
        if (serverPreview) { serverPreview.hidden = true; }
      }).catch(function () { /* the Preview button still works */ });
    }, 500);
    textarea.addEventListener("input", refresh);
  }

  // Tag suggestions --------------------------------------------------------------------------
  function setupTags(wrapper) {
    var url = wrapper.getAttribute("data-suggest-url");
    var input = wrapper.querySelector("input[type=text]");
    if (!url || !input) { return; }
    var list = document.createElement("ul");
    list.className = "tag-suggestions";
    list.id = input.id + "-suggestions";
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.setAttribute("aria-controls", list.id);

    function currentPart() {
      var parts = input.value.split(",");
      return parts[parts.length - 1].trim();
    }

    function choose(label) {
      var parts = input.value.split(",");
      parts[parts.length - 1] = " " + label;
      input.value = parts.map(function (p) { return p.trim(); }).filter(Boolean).join(", ") + ", ";
      close();
      input.focus();
    }

    function close() { list.hidden = true; list.innerHTML = ""; }

    var lookup = debounce(function () {
      var text = currentPart();
      if (text.length < 2) { close(); return; }
      fetch(url + "?q=" + encodeURIComponent(text), {credentials: "same-origin",
                                                     headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || currentPart() !== text) { return; }
          list.innerHTML = "";
          data.tags.forEach(function (tag) {
            var item = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.className = "tag-suggestion";
            button.textContent = tag.label;
            var others = Object.keys(tag.labels).map(function (k) { return tag.labels[k]; })
              .filter(function (l) { return l !== tag.label; });
            if (others.length) {
              var extra = document.createElement("span");
              extra.className = "muted";
              extra.textContent = " · " + others.join(" · ");
              button.appendChild(extra);
            }
            button.addEventListener("click", function () { choose(tag.label); });
            item.appendChild(button);
            list.appendChild(item);
          });
          list.hidden = data.tags.length === 0;
          status.textContent = data.tags.length ? (wrapper.getAttribute("data-found-label") || "") : "";
        }).catch(close);
    }, 250);

    input.addEventListener("input", lookup);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { close(); }
      if (event.key === "ArrowDown" && !list.hidden) {
        var first = list.querySelector("button");
        if (first) { event.preventDefault(); first.focus(); }
      }
    });
    list.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(list.querySelectorAll("button"));
      var index = buttons.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && index < buttons.length - 1) { event.preventDefault(); buttons[index + 1].focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (index > 0 ? buttons[index - 1] : input).focus(); }
      if (event.key === "Escape") { close(); input.focus(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".editor[data-preview-url]"), setupPreview);
    Array.prototype.forEach.call(document.querySelectorAll(".tag-input[data-suggest-url]"), setupTags);
  });
})();
