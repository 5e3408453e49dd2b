// Progressive enhancement only: every page works without this file.
// A "copy the address" button appears where the browser can copy; a form shows it is busy.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  if (navigator.clipboard) {
    document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.dataset.copy).then(function () {
          button.textContent = button.dataset.done || button.textContent;
        });
      });
    });
  }
  document.querySelectorAll("form.tool").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.setAttribute("aria-busy", "true");
    });
  });
});
