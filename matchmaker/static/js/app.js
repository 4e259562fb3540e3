// Progressive enhancement only: every page works without it.
document.addEventListener("DOMContentLoaded", () => {
  // A form submits once: a double click must not send the same request twice.
  document.querySelectorAll("form[data-once]").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
    });
  });
  // Focus the first field with an error, so a phone user sees what to fix.
  const invalid = document.querySelector(".is-invalid");
  if (invalid) { invalid.focus(); }
});
