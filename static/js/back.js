/* Error pages: a button that does what the browser's Back button does, so the form left behind
   comes back as it was typed. Without script the button stays hidden and the text says "Back". */
(function () {
  "use strict";
  document.querySelectorAll("[data-history-back]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.history.back());
  });
})();
