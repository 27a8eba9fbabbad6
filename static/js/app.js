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
  document.querySelectorAll("[data-ig-print-fallback]").forEach(function (words) { words.hidden = true; });

  // Copy a saved link with one press where the browser allows it; the read-only field stays for
  // everyone else. The status line tells screen reader users that it worked, in the page's own
  // language: the template gives the words (data-ig-copied, data-ig-copy-failed), so this file
  // holds none.
  document.querySelectorAll("[data-ig-copy]").forEach(function (box) {
    var field = document.getElementById(box.getAttribute("data-ig-copy"));
    var status = box.querySelector("[role=status]");
    if (!field || !navigator.clipboard || !window.isSecureContext) { return; }
    box.hidden = false;
    box.querySelector("button").addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () { status.textContent = box.getAttribute("data-ig-copied") || ""; },
        function () { field.select(); status.textContent = box.getAttribute("data-ig-copy-failed") || ""; }
      );
    });
  });
})();
