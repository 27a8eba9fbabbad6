/* Small progressive touches. Every page works fully without this file. */
(function () {
  "use strict";

  // The error summary takes focus on load (autofocus); drop its tabindex once focus leaves, so a
  // later click inside it shows no focus ring.
  var summary = document.querySelector("[data-ig-error-summary]");
  if (summary) {
    summary.addEventListener("blur", function () { summary.removeAttribute("tabindex"); });
  }

  // "None of these" and the other checkboxes exclude each other. Without JavaScript the server
  // says so instead.
  document.querySelectorAll("[data-ig-exclusive]").forEach(function (none) {
    var others = Array.prototype.filter.call(
      document.querySelectorAll('input[type="checkbox"][name="' + none.name + '"]'),
      function (box) { return box !== none; }
    );
    none.addEventListener("change", function () {
      if (none.checked) { others.forEach(function (box) { box.checked = false; }); }
    });
    others.forEach(function (box) {
      box.addEventListener("change", function () { if (box.checked) { none.checked = false; } });
    });
  });

  // A print button where printing is possible; the print page link stays for everyone else.
  document.querySelectorAll("[data-ig-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
