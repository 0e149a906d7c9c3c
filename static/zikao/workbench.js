/* Officers' workbench: confirm before a decision, fill a preset reason, zoom photos, print. No inline script (CSP). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var confirmButton = event.target.closest("[data-confirm]");
    if (confirmButton && !window.confirm(confirmButton.getAttribute("data-confirm"))) {
      event.preventDefault();
      return;
    }
    var preset = event.target.closest(".wb-preset");
    if (preset) {
      var form = preset.closest("form");
      var target = form && form.querySelector("textarea, input[type=text]");
      if (target) {
        target.value = target.value ? target.value + "；" + preset.getAttribute("data-text") : preset.getAttribute("data-text");
        target.focus();
      }
      return;
    }
    var photo = event.target.closest("img.wb-zoomable");
    if (photo) {
      event.preventDefault();
      photo.classList.toggle("wb-zoomed");
      return;
    }
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
