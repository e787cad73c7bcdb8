// Progressive enhancement of the entry form: a real upload progress bar and inline errors.
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
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);

  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".field-error.js"), function (el) { el.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll(".has-error"), function (el) { el.classList.remove("has-error"); });
    message.hidden = true;
    message.textContent = "";
  }

  function showMessage(textValue) {
    message.textContent = textValue;  // text, never HTML
    message.hidden = false;
    message.scrollIntoView({ block: "center" });
  }

  function showFieldErrors(errors) {
    Object.keys(errors).forEach(function (name) {
      var field = form.querySelector('[data-field="' + name + '"]');
      if (!field) return;
      field.classList.add("has-error");
      errors[name].forEach(function (msg) {
        var p = document.createElement("p");
        p.className = "field-error js";
        p.setAttribute("role", "alert");
        p.textContent = msg;
        field.appendChild(p);
      });
    });
  }

  function setProgress(percent) {
    bar.value = percent;
    text.textContent = percent + "%";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var photo = form.querySelector('input[type="file"]');
    if (photo.files.length && photo.files[0].size > maxBytes) {
      showFieldErrors({ photo: [form.getAttribute("data-too-large")] });
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
      button.disabled = false;
      box.hidden = true;
      if (body && body.errors) showFieldErrors(body.errors);
      if (body && body.message) showMessage(body.message);
      else showMessage(form.getAttribute("data-network-error"));
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      box.hidden = true;
      showMessage(form.getAttribute("data-network-error"));
    });
    button.disabled = true;
    box.hidden = false;
    setProgress(0);
    xhr.send(new FormData(form));
  });
})();
