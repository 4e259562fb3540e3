// Progressive enhancement only: every page works without it.
document.addEventListener("DOMContentLoaded", () => {
  // A form submits once: a double click must not send the same request twice.
  document.querySelectorAll("form[data-once]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      // A disabled button is left out of what the form sends: the pressed one's name and value (入选 or
      // 不入选) go along as a hidden field instead.
      const pressed = event.submitter;
      if (pressed && pressed.name) {
        const kept = document.createElement("input");
        kept.type = "hidden";
        kept.name = pressed.name;
        kept.value = pressed.value;
        form.appendChild(kept);
      }
      form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
    });
  });
  // A comparison holds at most data-compare-max products: a further tick is undone and the page says why.
  document.querySelectorAll("form[data-compare-max]").forEach((form) => {
    const most = Number(form.dataset.compareMax);
    const note = document.getElementById(form.dataset.compareNote);
    const boxes = Array.from(document.querySelectorAll(`input[form="${form.id}"][name=product]`));
    boxes.forEach((box) => box.addEventListener("change", () => {
      if (box.checked && boxes.filter((b) => b.checked).length > most) {
        box.checked = false;
        note.textContent = form.dataset.compareFull;
        note.hidden = false;
      } else {
        note.hidden = true;
      }
    }));
  });
  // Focus the first field with an error, so a phone user sees what to fix.
  const invalid = document.querySelector(".is-invalid");
  if (invalid) { invalid.focus(); }
});
