// Suggestions as the reader types in a search box marked data-typeahead (its URL): headlines,
// contributors and tags from /search/suggest/, in a listbox under the box (a combobox: arrow
// keys move, Enter opens the chosen one, Escape closes). Text is put in with textContent only:
// OCR'd headlines may hold anything. Without JavaScript the box is an ordinary search form.
(function () {
  "use strict";
  var KINDS = ["headlines", "people", "tags"];
  var DELAY = 150;
  var MIN = 2;
  var MAX = 50;
  var counter = 0;

  function attach(row) {
    var input = row.querySelector("input[name=q]");
    if (!input) return;
    var id = "typeahead-" + ++counter;
    var list = document.createElement("ul");
    list.id = id;
    list.className = "typeahead-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", row.dataset.labelList || "");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    row.classList.add("typeahead");
    row.appendChild(list);
    row.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    input.setAttribute("autocomplete", "off");

    var timer = null;
    var asked = 0;
    var shown = "";
    var active = -1;
    var composing = false;

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(index) {
      var items = options();
      if (!items.length) return;
      if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
      active = (index + items.length) % items.length;
      items[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function go(option) {
      if (option && option.dataset.url) window.location.assign(option.dataset.url);
    }

    function render(data) {
      while (list.firstChild) list.removeChild(list.firstChild);
      active = -1;
      var n = 0;
      KINDS.forEach(function (kind) {
        (data[kind] || []).forEach(function (item) {
          var li = document.createElement("li");
          li.id = id + "-" + n++;
          li.className = "typeahead-option typeahead-" + kind;
          li.setAttribute("role", "option");
          li.setAttribute("aria-selected", "false");
          li.dataset.url = item.url;
          var label = document.createElement("span");
          label.className = "typeahead-kind";
          label.textContent = row.dataset["label" + kind.charAt(0).toUpperCase() + kind.slice(1)] || "";
          var text = document.createElement("span");
          text.className = "typeahead-text";
          text.setAttribute("lang", "zh-Hans");
          text.textContent = item.text;
          li.appendChild(label);
          li.appendChild(text);
          if (item.date) {
            var date = document.createElement("time");
            date.className = "typeahead-date";
            date.textContent = item.date;
            li.appendChild(date);
          }
          // mousedown, not click: the box keeps its focus (no blur closing the list first).
          li.addEventListener("mousedown", function (event) {
            event.preventDefault();
            go(li);
          });
          list.appendChild(li);
        });
      });
      list.hidden = n === 0;
      input.setAttribute("aria-expanded", n ? "true" : "false");
      status.textContent = n ? row.dataset.labelFound || "" : row.dataset.labelNone || "";
    }

    function ask() {
      var text = input.value.trim().slice(0, MAX);
      if (text.length < MIN) {
        shown = text;
        close();
        return;
      }
      if (text === shown && !list.hidden) return;
      var ticket = ++asked;
      fetch(row.dataset.typeahead + "?q=" + encodeURIComponent(text), {
        headers: { Accept: "application/json" },
        credentials: "omit",
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          // An older answer arriving after a newer question is dropped.
          if (!data || ticket !== asked || document.activeElement !== input) return;
          shown = text;
          render(data);
        })
        .catch(function () {
          close();
        });
    }

    input.addEventListener("compositionstart", function () {
      composing = true;
    });
    input.addEventListener("compositionend", function () {
      composing = false;
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
    input.addEventListener("input", function (event) {
      // While an input method composes (pinyin being typed into 汉字), wait for the characters.
      if (composing || event.isComposing) return;
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      if (event.isComposing || event.keyCode === 229) return;
      var open = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) {
          if (options().length) {
            list.hidden = false;
            input.setAttribute("aria-expanded", "true");
          } else {
            return;
          }
        }
        event.preventDefault();
        choose(active + (event.key === "ArrowDown" ? 1 : -1) + (active < 0 && event.key === "ArrowUp" ? 1 : 0));
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        go(options()[active]);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 100);
    });
    input.addEventListener("focus", function () {
      if (input.value.trim().length >= MIN && options().length && input.value.trim() === shown) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    });
  }

  if (!window.fetch) return;
  Array.prototype.forEach.call(document.querySelectorAll("[data-typeahead]"), attach);
})();
