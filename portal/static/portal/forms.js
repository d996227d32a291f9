// Forms that say clearly what is wrong and how much room is left (GOV.UK Design System
// patterns). The pages work without this file; the Content Security Policy forbids
// inline scripts, so everything is wired up here.
(function () {
  "use strict";

  // After a failed submit, the error summary takes the focus: a screen reader reads it
  // and the page scrolls to it, however far down the problems are.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  // A link in the summary moves to its field; the field's label or legend is scrolled
  // into view with it, so the question is seen, not only the box.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var control = document.getElementById(link.getAttribute("href").slice(1));
    if (!control) {
      return;
    }
    event.preventDefault();
    var around = control.closest("fieldset, .field") || control;
    around.scrollIntoView();
    control.focus({ preventScroll: true });
  });

  // The counter under a text with a limit. The browser's maxlength is taken away once
  // the counter runs: it cuts pasted text without a word. The form refuses a text that
  // is too long and keeps it, so nothing typed is lost.
  function startCounter(counter) {
    var control = document.getElementById(counter.getAttribute("data-char-count"));
    if (!control) {
      return;
    }
    var limit = parseInt(counter.getAttribute("data-limit"), 10);
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    counter.parentNode.insertBefore(live, counter.nextSibling);
    control.removeAttribute("maxlength");
    var described = (control.getAttribute("aria-describedby") || "").split(" ");
    if (described.indexOf(counter.id) < 0) {
      described.push(counter.id);
      control.setAttribute("aria-describedby", described.join(" ").trim());
    }
    var timer = null;
    function update(announce) {
      var left = limit - control.value.length;
      var text = (left >= 0 ? counter.getAttribute("data-left") : counter.getAttribute("data-over"))
        .replace("%(count)s", String(Math.abs(left)));
      counter.textContent = text;
      counter.classList.toggle("error", left < 0);
      if (announce) {
        // Said once typing pauses, not at every key.
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { live.textContent = text; }, 1000);
      }
    }
    control.addEventListener("input", function () { update(true); });
    update(false);
  }

  function start() {
    focusErrorSummary();
    Array.prototype.forEach.call(document.querySelectorAll("[data-char-count]"), startCounter);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
