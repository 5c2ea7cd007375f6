// motcua back office: keyboard help at the counter and a few small behaviours.
// Served by the app (CSP script-src 'self'); no inline handlers, no eval.
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  onReady(function () {
    // "/" jumps to the page's search field, as in most office tools.
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (event.key === "/" && !typing) {
        var field = document.querySelector("[data-search], main input[type=search], main input[name=q]");
        if (field) {
          event.preventDefault();
          field.focus();
          field.select();
        }
      }
      // From the procedure search, ↓ moves into the list; ↑/↓ move inside it.
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        var picks = Array.prototype.slice.call(document.querySelectorAll("[data-pick]"));
        if (!picks.length) return;
        var index = picks.indexOf(document.activeElement);
        if (target && target.hasAttribute && target.hasAttribute("data-search") && event.key === "ArrowDown") {
          event.preventDefault();
          picks[0].focus();
        } else if (index >= 0) {
          event.preventDefault();
          var next = event.key === "ArrowDown" ? index + 1 : index - 1;
          if (next < 0) {
            var search = document.querySelector("[data-search]");
            if (search) search.focus();
          } else if (next < picks.length) {
            picks[next].focus();
          }
        }
      }
    });

    // "Tick all" on the intake checklist.
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-tick-all]");
      if (button) {
        var boxes = document.querySelectorAll(button.getAttribute("data-tick-all") + " input[type=checkbox]");
        var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
        Array.prototype.forEach.call(boxes, function (b) { b.checked = !all; });
      }
      if (event.target.closest("[data-print]")) {
        window.print();
      }
    });

    // A submitted form cannot be sent twice by a double click.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.dataset.sent === "1") {
        event.preventDefault();
        return;
      }
      // getAttribute: a field named "method" would shadow form.method.
      if ((form.getAttribute("method") || "").toLowerCase() === "post") {
        form.dataset.sent = "1";
        window.setTimeout(function () { form.dataset.sent = ""; }, 8000);
      }
    });

    // Opening an action (click or Enter on its summary) focuses its first field.
    document.addEventListener("click", function (event) {
      var summary = event.target.closest("details.action > summary");
      if (!summary) return;
      var details = summary.parentElement;
      window.setTimeout(function () {
        if (!details.open) return;
        var field = details.querySelector("select, textarea, input:not([type=hidden])");
        if (field) field.focus();
      }, 0);
    });
  });
})();
