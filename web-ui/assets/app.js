// Convene web UI: progressive enhancement only; every form works without it.
// - Autosave: a form marked data-autosave posts its values to
//   /drafts/autosave two seconds after the last keystroke (and when the page
//   is hidden), and remembers the draft id it gets back. Its status shows
//   ✔ only while everything typed is saved, and is blank while changes wait.
//   Once the form is submitted it saves no more (the server erases the
//   draft of what it stores), and a draft the server says is gone stays gone.
// - Moves focus to the error summary after a failed submission.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  var errors = document.getElementById("errors");
  if (errors) { errors.focus(); }
  if (!form || !window.fetch || !window.URLSearchParams) { return; }
  var status = document.getElementById("autosave-status");
  var timer = null;
  var dirty = false;
  var stopped = false;
  function draftInput() {
    var input = form.querySelector("input[name=draft]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "draft";
      form.appendChild(input);
    }
    return input;
  }
  function save() {
    timer = null;
    if (!dirty || stopped) { return; }
    dirty = false;
    var body = new URLSearchParams(new FormData(form));
    body.delete("action");
    fetch("/drafts/autosave", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
      keepalive: true
    }).then(function (response) {
      if (response.status === 410) { stopped = true; throw new Error("gone"); }
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (saved) {
      draftInput().value = saved.draft;
      // Typed into while this save was on its way: not all of it is saved.
      if (status) { status.textContent = dirty ? "" : "✔ " + saved.saved; }
      form.setAttribute("data-draft", saved.draft);
    }).catch(function () {
      if (stopped) { return; }
      dirty = true;
      if (status) { status.textContent = "…"; }
    });
  }
  function changed() {
    dirty = true;
    if (status) { status.textContent = ""; }
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 2000);
  }
  form.addEventListener("submit", function (event) {
    // The "save draft" button is a submit too: only a real submit stops.
    var button = event.submitter;
    if (button && button.name === "action" && button.value === "save_draft") { return; }
    stopped = true;
    if (timer) { clearTimeout(timer); timer = null; }
  });
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(); }
  });
})();
