// While a caseworker types a name in the registration form, show likely existing persons.
(function () {
  "use strict";
  var form = document.getElementById("person-form");
  if (!form || !form.dataset.candidatesUrl) { return; }
  var target = document.getElementById("candidates");
  // The names and birth date find the candidates; the rest weighs them as on saving (the
  // same AZR number, phone or parents make "almost certainly", different ones rule out).
  var fields = ["given_name", "family_name", "original_name", "birth_date", "sex",
    "azr_number", "birth_place", "father_name", "mother_name", "phone", "email"];
  var timer = null;
  var last = "";
  function refresh() {
    // POSTed with the form's CSRF token: typed names never go into a URL or an access log.
    var data = new FormData();
    var typed = [];
    fields.forEach(function (name) {
      var input = form.elements[name];
      if (input) { data.set(name, input.value); typed.push(input.value); }
    });
    var query = typed.join("\u0000");
    if (query === last) { return; }
    last = query;
    data.set("csrf_token", form.elements.csrf_token ? form.elements.csrf_token.value : "");
    fetch(form.dataset.candidatesUrl, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { target.innerHTML = html; })
      .catch(function () { /* the check on saving still protects against duplicates */ });
  }
  fields.forEach(function (name) {
    var input = form.elements[name];
    if (input) {
      ["input", "change"].forEach(function (type) {
        input.addEventListener(type, function () {
          clearTimeout(timer);
          timer = setTimeout(refresh, 300);
        });
      });
    }
  });
})();
