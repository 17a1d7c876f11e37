// Synthesis enhancements: clip a text selection from a post, print button. Pages work without it.
(function () {
  "use strict";

  function postArticle(node) {
    while (node && node !== document.body) {
      if (node.nodeType === 1 && node.id && /^post-\d+$/.test(node.id)) { return node; }
      node = node.parentNode;
    }
    return null;
  }

  function clipDetailsFor(article) {
    var id = article.id.replace("post-", "");
    return article.querySelector('details[data-clip-post="' + id + '"]');
  }

  document.addEventListener("mouseup", function (event) {
    if (event.target.closest && event.target.closest(".clip-actions")) { return; }
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed) { return; }
    var text = selection.toString().trim();
    if (!text) { return; }
    var article = postArticle(selection.anchorNode);
    if (!article || article !== postArticle(selection.focusNode)) { return; }
    var details = clipDetailsFor(article);
    if (!details) { return; }
    var field = details.querySelector("textarea.clip-text");
    if (!field) { return; }
    field.value = text.replace(/\s+/g, " ");
    details.open = true;
    details.classList.add("has-selection");
  });

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { return; }
    document.dispatchEvent(new MouseEvent("mouseup"));
  });

  // Insert a citation code at the cursor of the editor.
  Array.prototype.forEach.call(document.querySelectorAll(".insert-citation"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-target"));
      if (!field) { return; }
      var token = button.getAttribute("data-token");
      var start = field.selectionStart || 0;
      var end = field.selectionEnd || 0;
      field.value = field.value.slice(0, start) + token + field.value.slice(end);
      field.focus();
      field.selectionStart = field.selectionEnd = start + token.length;
    });
  });

  var printButton = document.querySelector(".print-button");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }
})();
