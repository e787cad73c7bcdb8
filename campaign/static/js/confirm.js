// A link to a confirmation page (data-dialog="id") opens the same question in a <dialog> instead.
// Without JavaScript, or without <dialog> support, the link leads to the confirmation page.
(function () {
  "use strict";
  document.querySelectorAll("a[data-dialog]").forEach(function (link) {
    var dialog = document.getElementById(link.getAttribute("data-dialog"));
    if (!dialog || typeof dialog.showModal !== "function") return;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      dialog.showModal();  // focus moves into the dialog; Esc or "Keep" closes it
    });
    dialog.addEventListener("close", function () { link.focus(); });
  });
})();
