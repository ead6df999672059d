// 报错: a passage the reader selects in the article's text becomes the passage of the suggestion
// form, which opens; without JavaScript the reader types or pastes the passage.
(function () {
  "use strict";
  var body = document.querySelector(".article-body");
  var form = document.getElementById("suggest");
  var field = document.getElementById("suggest-passage");
  if (!body || !form || !field) return;
  document.addEventListener("selectionchange", function () {
    var selection = document.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return;
    var range = selection.getRangeAt(0);
    if (!body.contains(range.commonAncestorContainer)) return;
    var text = selection.toString().trim();
    if (text && text.length <= 200) {
      field.value = text;
      form.open = true;
    }
  });
})();
