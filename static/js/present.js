/* The presenter view (/teach/<id>/present): the arrow keys, and the Page Up and Page Down keys that
   presentation clickers send, move between steps; Escape ends. Every step is a plain page with Back,
   Next and End links, so all of this is a shortcut only. */
(function () {
  "use strict";

  var heading = document.getElementById("step-heading");
  // autofocus does this on a fresh load; a page restored from the back-forward cache needs it again.
  window.addEventListener("pageshow", function () {
    if (heading && (!document.activeElement || document.activeElement === document.body)) { heading.focus(); }
  });

  var targets = {
    ArrowRight: 'a[rel="next"]',
    PageDown: 'a[rel="next"]',
    ArrowLeft: 'a[rel="prev"]',
    PageUp: 'a[rel="prev"]',
    Escape: "a[data-ig-end]"
  };
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var where = event.target;
    if (where && (where.isContentEditable || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(where.tagName))) { return; }
    var link = targets[event.key] && document.querySelector(targets[event.key]);
    if (!link) { return; }
    event.preventDefault();
    window.location.assign(link.href);
  });
})();
