// Forms: the error summary takes the focus when a form comes back with mistakes, and text
// fields with a maximum length count what is left (they never cut typing off: the server
// says when a text is too long). Everything works without this script too.
(function () {
  "use strict";
  if (window.lotseForms) { return; }  // included by several fields of one page
  window.lotseForms = true;

  function fill(template, n) { return template.replace("{n}", String(n)); }

  function counter(box) {
    var input = document.getElementById(box.dataset.counterFor);
    if (!input) { return; }
    var max = parseInt(input.dataset.maxlength, 10);
    // Screen readers hear the count after a pause in typing, not at every key.
    var spoken = document.createElement("span");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    box.parentNode.insertBefore(spoken, box.nextSibling);
    var visible = document.createElement("span");
    visible.setAttribute("aria-hidden", "true");
    box.textContent = "";
    box.appendChild(visible);
    var timer = null;
    function update(speak) {
      var left = max - input.value.length;
      var text = left >= 0 ? fill(box.dataset.left, left) : fill(box.dataset.over, -left);
      visible.textContent = text;
      box.classList.toggle("text-danger", left < 0);
      input.classList.toggle("is-invalid", left < 0 || input.getAttribute("aria-invalid") === "true");
      if (speak) {
        clearTimeout(timer);
        timer = setTimeout(function () { spoken.textContent = text; }, 1000);
      }
    }
    input.addEventListener("input", function () { update(true); });
    update(false);
  }

  function fold(text) {
    return text.toLocaleLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function filterBox(input) {
    var list = document.getElementById(input.dataset.filterFor);
    if (!list) { return; }
    input.hidden = false;
    input.addEventListener("input", function () {
      var wanted = fold(input.value.trim());
      var items = list.querySelectorAll(".form-check");
      for (var i = 0; i < items.length; i++) {
        var box = items[i].querySelector("input");
        var shown = !wanted || box.checked || fold(items[i].textContent).indexOf(wanted) !== -1;
        items[i].hidden = !shown;
      }
    });
  }

  function start() {
    var boxes = document.querySelectorAll("[data-counter-for]");
    for (var i = 0; i < boxes.length; i++) { counter(boxes[i]); }
    // A long checkbox list narrows to the entries whose label contains what is typed.
    var filters = document.querySelectorAll("[data-filter-for]");
    for (var k = 0; k < filters.length; k++) { filterBox(filters[k]); }
    // Quick picks for a due date ("in 1 week", ...): the server computed the dates.
    var picks = document.querySelectorAll(".due-picks");
    for (var j = 0; j < picks.length; j++) { picks[j].hidden = false; }
    document.addEventListener("click", function (event) {
      var pick = event.target.closest("[data-due-for]");
      var input = pick && document.getElementById(pick.dataset.dueFor);
      if (input) { input.value = pick.dataset.due; input.dispatchEvent(new Event("change")); }
    });
    var summary = document.querySelector(".error-summary");
    if (summary && document.activeElement === document.body) { summary.focus(); }
    // A link in the summary puts the focus into its field, not only the view.
    if (summary) {
      summary.addEventListener("click", function (event) {
        var link = event.target.closest("a[href^='#']");
        var target = link && document.getElementById(link.getAttribute("href").slice(1));
        if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({block: "center"}); }
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
