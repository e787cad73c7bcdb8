// Keyboard shortcuts for the moderation grid: j/k next/previous, a approve (or recommend), r reject,
// x select. The current entry is shown large beside the grid (wide screens). Without JavaScript every
// button and checkbox works as is, and a photo opens the entry's page.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
  if (!items.length) return;
  var current = 0;
  var preview = document.getElementById("mod-preview");
  var previewImg = document.getElementById("mod-preview-img");
  var previewTitle = document.getElementById("mod-preview-title");
  var previewCaption = document.getElementById("mod-preview-caption");

  function showPreview(item) {
    if (!preview) return;
    var src = item.getAttribute("data-large");
    if (src) {
      previewImg.src = src;
      previewImg.hidden = false;
    } else {
      previewImg.removeAttribute("src");
      previewImg.hidden = true;
    }
    previewTitle.textContent = item.getAttribute("data-title") || "";
    previewCaption.textContent = item.getAttribute("data-caption") || "";
    preview.hidden = false;
  }

  function mark(index) {
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.classList.toggle("current", i === current); });
    showPreview(items[current]);
  }

  function show(index) {
    mark(index);
    items[current].focus({ preventScroll: true });
    items[current].scrollIntoView({ block: "nearest" });
  }

  function typing(target) {
    return target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) && target.type !== "checkbox";
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    // In a reject form's reason list, Enter submits the rejection with the chosen reason.
    if (event.key === "Enter" && target.matches && target.matches("form.move-reject select") && target.value) {
      event.preventDefault();
      target.form.submit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(target)) return;
    var item = items[current];
    var form;
    switch (event.key) {
      case "j": show(current + 1); break;
      case "k": show(current - 1); break;
      case "x":
        var box = item.querySelector("input.select");
        if (box) box.checked = !box.checked;
        break;
      case "a":
        form = item.querySelector("form.move-approve") || item.querySelector("form.move-recommend");
        if (form) form.submit();
        break;
      case "r":
        var reason = item.querySelector("form.move-reject select");
        if (reason) reason.focus();  // a reason is required: choose it, then Enter
        break;
      default: return;
    }
    event.preventDefault();
  });

  items.forEach(function (item, i) {
    item.addEventListener("click", function () { mark(i); });  // never steal focus from a control
    item.addEventListener("focusin", function () { if (current !== i) mark(i); });  // Tab moves it too
  });
  show(0);
})();
