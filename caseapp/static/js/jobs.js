// A job's progress page: asks the server how far the job is and updates the bar in place.
// Without JavaScript the page reloads itself instead (a meta refresh inside <noscript>).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.active !== "true" || !window.fetch) { return; }
  var bar = document.getElementById("job-progress");
  var text = document.getElementById("job-text");
  var state = document.getElementById("job-state");
  var delay = 1000;
  function show(job) {
    if (bar) {
      if (job.percent === null) { bar.removeAttribute("value"); } else { bar.value = job.percent; }
    }
    if (state) {
      state.textContent = job.state_label;
      state.className = "badge text-bg-" + job.state_badge; // queued grey, running blue
    }
    if (text) {
      var parts = [];
      if (job.stage) { parts.push(job.stage); }
      if (job.total) { parts.push(job.done_text); }
      text.textContent = parts.join(" · ");
    }
  }
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (job) {
        if (!job.active) {
          window.location.reload(); // the finished page: result link or the error, from the server
          return;
        }
        show(job);
        delay = Math.min(delay * 1.2, 5000);
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, delay);
})();
