// Suggest existing tags in a comma-separated tag input, through a <datalist>.
// A datalist matches against the whole input, so each option is the text typed so far
// with the last (unfinished) tag replaced by a suggestion.
"use strict";
(function () {
  function setup(input) {
    const endpoint = input.dataset.suggestUrl;
    if (!endpoint) { return; }
    const list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.after(list);
    input.setAttribute("list", list.id);
    let timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        const value = input.value;
        const cut = Math.max(value.lastIndexOf(","), value.lastIndexOf("，"));
        const prefix = cut >= 0 ? value.slice(0, cut + 1) + " " : "";
        const term = value.slice(cut + 1).trim();
        if (!term) { list.replaceChildren(); return; }
        fetch(endpoint + "?q=" + encodeURIComponent(term), {credentials: "same-origin"})
          .then(function (r) { return r.ok ? r.json() : {results: []}; })
          .then(function (data) {
            list.replaceChildren(...data.results.map(function (name) {
              const option = document.createElement("option");
              option.value = prefix + name;
              return option;
            }));
          })
          .catch(function () { list.replaceChildren(); });
      }, 150);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input.nr-tags").forEach(setup);
  });
})();
