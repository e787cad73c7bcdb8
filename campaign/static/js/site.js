// Small behaviours of every page, kept out of the HTML so the CSP can refuse inline script. Each one is an
// enhancement: without JavaScript the menu stays open, forms submit straight away, links still jump.
(function () {
  "use strict";
  // A menu that acts as soon as a choice is made (its form has a button for when JavaScript is off).
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // A link to copy: focusing the field selects all of it.
  document.querySelectorAll("input[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });

  // The studio menu on a phone: one button opens and closes it (CSS folds it only when scripting is on).
  var header = document.querySelector(".bar.has-menu");
  var toggle = header && header.querySelector(".menu-toggle");
  if (toggle) {
    var setOpen = function (open) {
      header.classList.toggle("menu-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    };
    toggle.addEventListener("click", function () { setOpen(!header.classList.contains("menu-open")); });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("menu-open")) { setOpen(false); toggle.focus(); }
    });
  }

  // The error summary is read first; each of its links puts the cursor in the field it names.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      var label = target.closest(".field, fieldset, td, .check") || target;
      label.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    });
  }

  // data-confirm="message" on a form or a submit button: a <dialog> asks first; Cancel sends nothing.
  var template = document.getElementById("confirm-template");
  if (!template || typeof HTMLDialogElement !== "function") { return; }
  var confirmed = new WeakSet();

  function ask(message, submitter, onConfirm) {
    var dialog = template.content.firstElementChild.cloneNode(true);
    var ok = dialog.querySelector("[data-confirm-ok]");
    dialog.querySelector("[data-confirm-message]").textContent = message;
    ok.textContent = (submitter && (submitter.getAttribute("data-confirm-ok") || submitter.textContent.trim())) || ok.textContent;
    if (submitter && submitter.classList.contains("danger")) { ok.classList.add("danger"); }
    document.body.appendChild(dialog);
    dialog.addEventListener("close", function () {
      var yes = dialog.returnValue === "confirm";
      dialog.remove();
      if (yes) { onConfirm(); } else if (submitter) { submitter.focus(); }
    });
    dialog.showModal();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (!message || confirmed.has(form)) { confirmed.delete(form); return; }
    event.preventDefault();
    ask(message, submitter, function () {
      confirmed.add(form);
      if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
    });
  });
})();
