// Small behaviours of every page, kept out of the HTML so the CSP can refuse inline script.
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
})();
