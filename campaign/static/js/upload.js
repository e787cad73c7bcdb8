// Progressive enhancement of the entry form: a photo preview, required fields checked before anything is
// sent, a star rating that follows the WAI-ARIA radio group keys, and a real upload progress bar.
// Without JavaScript the form posts normally and the server renders the same errors.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;

  var bar = document.getElementById("progress-bar");
  var text = document.getElementById("progress-text");
  var box = document.getElementById("progress");
  var button = document.getElementById("submit-button");
  var message = document.getElementById("form-message");
  var photo = form.querySelector('input[type="file"]');
  var preview = document.getElementById("photo-preview");
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);
  var objectUrl = null;

  // --- photo preview -------------------------------------------------------------------------------
  function isHeic(file) {
    return /^image\/hei[cf]/i.test(file.type) || /\.(heic|heif)$/i.test(file.name);
  }

  function placeholder(file) {
    // Browsers cannot decode HEIC: a neutral box with the file name, and what happens next (the server
    // derives a JPEG from it; the status page shows that). Anything else undecodable: the name and a hint.
    preview.textContent = "";
    var name = document.createElement("p");
    name.className = "photo-preview-name";
    name.textContent = file.name;
    var note = document.createElement("p");
    note.className = "hint";
    note.textContent = preview.getAttribute(isHeic(file) ? "data-heic" : "data-unviewable");
    preview.appendChild(name);
    preview.appendChild(note);
    preview.classList.add("is-placeholder");
    preview.hidden = false;
  }

  function showPreview() {
    if (objectUrl) { URL.revokeObjectURL(objectUrl); objectUrl = null; }
    preview.textContent = "";
    preview.classList.remove("is-placeholder");
    var file = photo.files && photo.files[0];
    if (!file) { preview.hidden = true; return; }
    clearFieldError("photo");
    if (file.size > maxBytes) {
      preview.hidden = true;
      showFieldErrors({ photo: [form.getAttribute("data-too-large")] });
      return;
    }
    if (isHeic(file) || !window.URL || !URL.createObjectURL) { placeholder(file); return; }
    objectUrl = URL.createObjectURL(file);
    var img = document.createElement("img");
    img.alt = "";
    img.addEventListener("error", function () { placeholder(file); });
    img.src = objectUrl;
    preview.appendChild(img);
    preview.hidden = false;
  }
  if (photo && preview) photo.addEventListener("change", showPreview);

  // --- star rating: a radio group whose arrows follow the stars ---------------------------------------
  var radios = Array.prototype.slice.call(form.querySelectorAll('.stars input[type="radio"]'));
  function rove() {
    var checked = radios.filter(function (r) { return r.checked; })[0] || radios[0];
    radios.forEach(function (r) { r.tabIndex = r === checked ? 0 : -1; });
  }
  function choose(radio) {
    radio.checked = true;
    radio.focus();
    rove();
    clearFieldError("rating");
    radio.dispatchEvent(new Event("change", { bubbles: true }));
  }
  radios.forEach(function (radio, index) {
    radio.addEventListener("keydown", function (event) {
      var target = null;
      if (event.key === "ArrowRight" || event.key === "ArrowUp") target = radios[Math.min(index + 1, radios.length - 1)];
      else if (event.key === "ArrowLeft" || event.key === "ArrowDown") target = radios[Math.max(index - 1, 0)];
      else if (event.key === "Home") target = radios[0];
      else if (event.key === "End") target = radios[radios.length - 1];
      if (!target) return;
      event.preventDefault();  // the browser's own arrows go the other way round for Up and Down
      choose(target);
    });
    radio.addEventListener("change", function () { rove(); clearFieldError("rating"); });
  });
  if (radios.length) rove();

  // --- errors --------------------------------------------------------------------------------------
  function clearFieldError(name) {
    var field = form.querySelector('[data-field="' + name + '"]');
    if (!field) return;
    field.classList.remove("has-error");
    Array.prototype.forEach.call(field.querySelectorAll(".field-error"), function (el) { el.remove(); });
    Array.prototype.forEach.call(field.querySelectorAll("[aria-invalid]"), function (el) { el.removeAttribute("aria-invalid"); });
  }

  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (el) { el.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll(".has-error"), function (el) { el.classList.remove("has-error"); });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) { el.removeAttribute("aria-invalid"); });
    message.hidden = true;
    message.textContent = "";
  }

  function showMessage(textValue) {
    message.textContent = textValue;  // text, never HTML
    message.hidden = false;
  }

  function showFieldErrors(errors) {
    var first = null;
    Object.keys(errors).forEach(function (name) {
      var field = form.querySelector('[data-field="' + name + '"]');
      if (!field) return;
      field.classList.add("has-error");
      var id = "error-" + name;
      errors[name].forEach(function (msg, i) {
        var p = document.createElement("p");
        p.className = "field-error js";
        p.id = id + (i ? "-" + i : "");
        p.textContent = msg;
        field.appendChild(p);
      });
      var control = field.querySelector("input:not([type=hidden]), select, textarea");
      if (control) {
        control.setAttribute("aria-invalid", "true");
        var described = (control.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return x && x.indexOf("error-") !== 0; });
        described.push(id);
        control.setAttribute("aria-describedby", described.join(" "));
      }
      if (!first) first = field;
    });
    return first;
  }

  function focusFirst(field) {
    if (!field) return;
    var control = field.querySelector('input:checked, input:not([type=hidden]), select, textarea');
    field.scrollIntoView({ block: "center" });
    if (control) control.focus({ preventScroll: true });
  }

  // The same rules as the server for what can be known before sending; the server checks everything again.
  function missing() {
    var errors = {};
    function need(name, ok) {
      var field = form.querySelector('[data-field="' + name + '"]');
      if (field && field.hasAttribute("data-missing") && !ok) errors[name] = [field.getAttribute("data-missing")];
    }
    var file = photo && photo.files && photo.files[0];
    need("photo", !!file);
    if (file && file.size > maxBytes) errors.photo = [form.getAttribute("data-too-large")];
    var product = form.querySelector('[name="product_id"]');
    if (product) need("product_id", !!product.value);
    need("rating", radios.some(function (r) { return r.checked; }));
    var email = form.querySelector('[name="email"]');
    // a keyboard in full-width mode types 「ｈａｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ」: read and sent as the address it stands
    // for, as the server reads it (entries.rules.valid_email); it was refused here as not an address
    if (email && email.value) email.value = email.value.normalize("NFKC").trim();
    var emailValue = email ? email.value : "";
    need("email", !!emailValue);
    if (emailValue && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(emailValue)) {
      errors.email = [form.querySelector('[data-field="email"]').getAttribute("data-invalid")];
    }
    var handle = form.querySelector('[name="social_handle"]');
    if (handle) need("social_handle", !!handle.value.trim());
    var postUrl = form.querySelector('[name="post_url"]');
    if (postUrl) need("post_url", /^https:\/\/\S+$/.test(postUrl.value.trim()));
    var terms = form.querySelector('[name="accepts_terms"]');
    if (terms) need("accepts_terms", terms.checked);
    // characters as the server counts them (code points: an emoji is one, not two as for maxlength)
    Array.prototype.forEach.call(form.querySelectorAll("[data-max]"), function (field) {
      var input = field.querySelector("input, textarea");
      if (input && Array.from(input.value.trim()).length > Number(field.getAttribute("data-max"))) {
        errors[field.getAttribute("data-field")] = [field.getAttribute("data-too-long")];
      }
    });
    return errors;
  }

  function setProgress(percent) {
    bar.value = percent;
    text.textContent = percent + "%";
  }

  function resetProgress() {
    box.hidden = true;
    bar.value = 0;
    text.textContent = "";
  }

  function failed(body) {
    button.disabled = false;
    resetProgress();
    var first = body && body.errors ? showFieldErrors(body.errors) : null;
    showMessage(body && body.message ? body.message : form.getAttribute("data-network-error"));
    if (first) focusFirst(first); else message.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (form.hasAttribute("data-preview")) return;
    clearErrors();
    var errors = missing();
    if (Object.keys(errors).length) {  // nothing is sent until every required field is there
      var first = showFieldErrors(errors);
      showMessage(form.getAttribute("data-summary"));
      focusFirst(first);
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) setProgress(Math.round((e.loaded / e.total) * 100));
    });
    xhr.addEventListener("load", function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status >= 200 && xhr.status < 300 && body && body.status_url) {
        setProgress(100);
        form.setAttribute("data-done", "true");
        window.location.assign(body.status_url);
        return;
      }
      if (xhr.status === 410 && body && body.ended_url) {  // archived while this tab was open: nothing was
        window.location.assign(body.ended_url);              // kept, and its ended page says what stays public
        return;
      }
      failed(body);
    });
    xhr.addEventListener("error", function () { failed(null); });
    button.disabled = true;
    box.hidden = false;
    setProgress(0);
    xhr.send(new FormData(form));
  });

  // Back from the status page: a phone's back/forward cache restores this page as it was left, the button
  // off and the bar full, and nothing would ever turn them back. The form is ready again; sent again, it
  // finds the entry already made (its hidden key is restored too).
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    form.removeAttribute("data-done");
    button.disabled = false;
    resetProgress();
  });

  // --- a language switch keeps what was typed -------------------------------------------------------
  // The switch loads the page again, which emptied the form (a walk-through's find). What the customer
  // typed and ticked is kept in this tab for that one load (sessionStorage, removed as it is read); the
  // hidden fields (the form's token, its idempotency key) come fresh with the page. A browser never lets a
  // page choose a file, so a chosen photo is asked for again, as after a refused form.
  var DRAFT = "kuchikomi-entry-draft:" + form.getAttribute("action");
  function typedFields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.id && ["hidden", "file", "submit", "button"].indexOf(el.type) < 0;
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".lang a"), function (link) {
    link.addEventListener("click", function () {
      // a photo chosen before an earlier switch and not chosen again is still to be asked for (a walk-through:
      // switching twice lost the request, the field empty)
      var chosen = !!(photo && photo.files && photo.files.length);
      var draft = { values: {}, checks: {}, photo: chosen || !!document.getElementById("photo-again") };
      var any = draft.photo;
      typedFields().forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          draft.checks[el.id] = el.checked;
          any = any || (el.checked !== el.defaultChecked);
        } else {
          draft.values[el.id] = el.value;
          any = any || el.value !== el.defaultValue;
        }
      });
      if (!any) return;
      try { sessionStorage.setItem(DRAFT, JSON.stringify(draft)); } catch (e) { /* storage off: as before */ }
    });
  });
  (function restoreDraft() {
    var saved = null;
    try { saved = sessionStorage.getItem(DRAFT); sessionStorage.removeItem(DRAFT); } catch (e) { return; }
    if (!saved) return;
    var draft = JSON.parse(saved);
    Object.keys(draft.values).forEach(function (id) {
      var el = document.getElementById(id);
      if (el && form.contains(el)) el.value = draft.values[id];
    });
    Object.keys(draft.checks).forEach(function (id) {
      var el = document.getElementById(id);
      if (el && form.contains(el)) el.checked = draft.checks[id];
    });
    if (radios.length) rove();
    if (draft.photo && photo && !document.getElementById("photo-again")) {
      var again = document.createElement("p");
      again.className = "photo-again";
      again.id = "photo-again";
      again.textContent = form.getAttribute("data-photo-again");
      photo.parentNode.insertBefore(again, photo);
      photo.setAttribute("aria-describedby", (photo.getAttribute("aria-describedby") || "") + " photo-again");
    }
  })();
})();
