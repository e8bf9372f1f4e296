// While a caseworker types a name in the registration form, show likely existing persons.
(function () {
  "use strict";
  var form = document.getElementById("person-form");
  if (!form || !form.dataset.candidatesUrl) { return; }
  var target = document.getElementById("candidates");
  var fields = ["given_name", "family_name", "original_name", "birth_date"];
  var timer = null;
  var last = "";
  function refresh() {
    var params = new URLSearchParams();
    fields.forEach(function (name) {
      var input = form.elements[name];
      if (input) { params.set(name, input.value); }
    });
    var query = params.toString();
    if (query === last) { return; }
    last = query;
    fetch(form.dataset.candidatesUrl + "?" + query, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { target.innerHTML = html; })
      .catch(function () { /* the check on saving still protects against duplicates */ });
  }
  fields.forEach(function (name) {
    var input = form.elements[name];
    if (input) {
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(refresh, 300);
      });
    }
  });
})();
