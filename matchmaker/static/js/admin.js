// Progress for the administrator's two long operations. Without JavaScript both forms still work;
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

  // Ranker training: the POST answers when training is done. It is sent with fetch so the page
  // stays alive and can show the steps the server reports (read once a second); when the answer
  // comes the page reloads to show the outcome.
  function bindTraining() {
    const form = document.getElementById("train-form");
    if (!form) { return; }
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const box = document.getElementById("train-progress");
      const bar = box.querySelector(".progress-bar");
      const text = box.querySelector("p");
      const steps = JSON.parse(box.dataset.steps);
      const started = Date.now();
      form.querySelector("button[type=submit]").disabled = true;
      box.classList.remove("d-none");
      const poll = () => {
        fetch(form.dataset.progressUrl, { credentials: "same-origin", cache: "no-store" })
          .then((response) => response.json())
          .then((state) => {
            const seconds = Math.round((Date.now() - started) / 1000);
            const current = state.running && state.started * 1000 >= started - 5000;
            const step = current ? state.step : 0;
            bar.style.width = `${Math.round((step / (state.steps || steps.length - 1)) * 100)}%`;
            text.textContent = `${steps[step] || ""} · ${seconds} s`;
          })
          .catch(() => {});
      };
      poll();
      const timer = window.setInterval(poll, 1000);
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual" })
        .then(() => { window.clearInterval(timer); window.location.assign(form.dataset.doneUrl); })
        .catch(() => { window.clearInterval(timer); form.submit(); });
    });
  }

  bindImport();
  bindTraining();
})();
