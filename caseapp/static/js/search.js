// Results as you type for every search box marked data-live-search (the navbar, the start
// page, the persons page), and "/" to jump to the navbar's box. Without JavaScript the boxes
// are plain forms. The text is POSTed, never put into a URL.
(function () {
  "use strict";
  function live(input) {
    var form = input.form;
    var target = document.querySelector(input.dataset.liveSearch);
    if (!form || !target) { return; }
    var dropdown = target.classList.contains("dropdown-menu");
    var timer = null;
    var last = input.value.trim();
    var sent = 0;
    function show(html) {
      target.innerHTML = html;
      if (dropdown) { target.classList.toggle("show", html.trim() !== ""); }
    }
    function refresh() {
      var text = input.value.trim();
      if (text === last) { return; }
      last = text;
      if (!text) { if (dropdown) { show(""); } return; }
      var data = new FormData(form);
      data.set("fragment", "1");
      var mine = ++sent;
      fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) { if (mine === sent) { show(html); } })
        .catch(function () { /* pressing Enter still submits the form */ });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
    if (dropdown) {
      input.addEventListener("keydown", function (event) {
        if (event.key === "Escape") { show(""); last = null; }
      });
      document.addEventListener("click", function (event) {
        if (!form.contains(event.target)) { target.classList.remove("show"); }
      });
      input.addEventListener("focus", function () {
        if (target.innerHTML.trim()) { target.classList.add("show"); }
      });
    }
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-live-search]"), live);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var from = event.target;
    if (from.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(from.tagName)) { return; }
    var box = document.getElementById("navbar-q");
    if (!box) { return; }
    event.preventDefault();
    box.focus();
    box.select();
  });
})();
