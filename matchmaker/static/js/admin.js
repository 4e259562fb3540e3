// Progress for the administrator's long operations. Without JavaScript both forms still work;
// they just show no progress.
(() => {
  // History import: upload through XHR to show how much of a large file has been sent, then show
  // the answer (the same page the form would have loaded) in place.
  function bindImport() {
    const form = document.querySelector("form[data-progress]");
    if (!form) { return; }
    form.addEventListener("submit", (event) => {
      const input = form.querySelector("input[type=file]");
      if (!input || !input.files.length) { return; }  // let the server say which field is missing
      event.preventDefault();
      const limit = Number(form.dataset.maxBytes || 0);
      if (limit && input.files[0].size > limit) {  // the server would refuse it (413) after the upload
        input.classList.add("is-invalid");
        input.nextElementSibling.textContent = form.dataset.tooLarge;
        return;
      }
      const box = document.getElementById("upload-progress");
      const bar = box.querySelector(".progress-bar");
      const status = document.getElementById("upload-status");
      box.classList.remove("d-none");
      status.classList.remove("d-none");
      status.textContent = status.dataset.uploading;
      form.querySelector("button[type=submit]").disabled = true;
      const request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.upload.addEventListener("progress", (e) => {
        if (!e.lengthComputable) { return; }
        const share = Math.round((e.loaded / e.total) * 100);
        bar.style.width = `${share}%`;
        bar.textContent = `${share}%`;
        if (e.loaded === e.total) { status.textContent = status.dataset.processing; }
      });
      request.addEventListener("load", () => {
        if (request.responseURL && request.responseURL.includes("job=")) {
          window.location.assign(request.responseURL);  // a large file: its job's page follows it
          return;
        }
        const page = new DOMParser().parseFromString(request.responseText, "text/html");
        const main = page.querySelector("main");
        if (main) {
          document.querySelector("main").replaceWith(main);
          bindImport();
        }
      });
      request.addEventListener("error", () => {
        status.textContent = form.dataset.failed;
        form.querySelector("button[type=submit]").disabled = false;
      });
      request.send(new FormData(form));
    });
  }

  // Long work runs on the task workers (a training, a large import): the page follows its job (read
  // once a second) and, when it is finished, reloads to show the outcome.
  function followJob(box) {
    const bar = box.querySelector(".progress-bar");
    const text = box.querySelector("p[aria-live]");
    const steps = JSON.parse(box.dataset.steps);
    const show = (job) => {
      bar.style.width = `${Math.round(job.progress * 100)}%`;
      if (job.status === "queued") { text.textContent = steps.queued; return; }
      const step = Object.keys(steps).filter((start) => (job.message || "").startsWith(start)).pop();
      const seconds = job.started_at ? Math.max(0, Math.round((Date.now() - Date.parse(job.started_at)) / 1000)) : 0;
      text.textContent = `${steps[step] || ""} · ${seconds} s`;
    };
    show({ progress: Number(box.dataset.progress), status: box.dataset.status, message: "" });
    const timer = window.setInterval(() => {
      fetch(box.dataset.jobUrl, { credentials: "same-origin", cache: "no-store" })
        .then((response) => response.json())
        .then((job) => {
          show(job);
          if (job.status === "succeeded" || job.status === "failed") {
            window.clearInterval(timer);
            window.location.reload();
          }
        })
        .catch(() => {});
    }, 1000);
  }

  bindImport();
  document.querySelectorAll("[data-job-url]").forEach(followJob);
})();
