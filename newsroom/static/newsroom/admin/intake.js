// The intake's page while its job runs: read the job's progress every two seconds and show it;
// once the job ends, load the page again for its result (the import run and its files).
(function () {
  "use strict";
  const box = document.querySelector(".nr-intake-job[data-status-url]");
  if (!box) return;
  const bar = box.querySelector(".nr-intake-progress");
  const count = box.querySelector(".nr-intake-count");
  const status = box.querySelector(".nr-intake-status");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (job) {
        bar.max = Math.max(1, job.files_total);
        bar.value = job.files_done;
        count.textContent = job.files_done + " / " + job.files_total;
        status.textContent = job.status_display;
        if (job.finished || ["done", "failed", "error"].includes(job.status)) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
