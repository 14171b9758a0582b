// Errors that are seen and reachable (templates/includes/error_summary.html): after a failed submit the
// focus goes to the form's error summary, so that a screen reader reads it first; a link of the summary
// brings its field into view, its label above it, and focuses it.
(function () {
  "use strict";

  function focusSummary(root) {
    const summary = root.querySelector ? root.querySelector("[data-error-summary]") : null;
    if (summary) {
      summary.focus();
    }
  }

  function fieldOf(link) {
    const id = decodeURIComponent(link.hash.slice(1));
    return id ? document.getElementById(id) : null;
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("[data-error-summary] a[href^='#']");
    const field = link && fieldOf(link);
    if (!field) {
      return;
    }
    event.preventDefault();
    const label = document.querySelector("label[for='" + CSS.escape(field.id) + "']");
    (field.closest(".mb-3") || label || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });

  // A form that htmx swaps in with its errors.
  document.addEventListener("htmx:afterSwap", function (event) {
    focusSummary(event.detail.target);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      focusSummary(document);
    });
  } else {
    focusSummary(document);
  }
})();
