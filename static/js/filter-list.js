/* Plain text filter for long checklists (the policy items a project serves, สนอง).
   <input type="search" data-filter-list="ID"> hides the <li> of #ID whose text does not
   contain every typed word; checked items always stay visible. Written for this project
   (no dependency, no network); licence: the project's own. */
(function () {
  "use strict";
  function norm(text) { return (text || "").toLowerCase().replace(/\s+/g, " ").trim(); }
  function apply(input) {
    var target = document.getElementById(input.getAttribute("data-filter-list"));
    if (!target) { return; }
    var words = norm(input.value).split(" ").filter(Boolean);
    var shown = 0;
    target.querySelectorAll("li").forEach(function (li) {
      var box = li.querySelector("input[type=checkbox]");
      var text = norm(li.textContent + " " + (li.getAttribute("data-search") || ""));
      var match = words.every(function (w) { return text.indexOf(w) !== -1; });
      var visible = match || (box && box.checked);
      li.hidden = !visible;
      if (visible) { shown += 1; }
    });
    target.querySelectorAll("[data-filter-group]").forEach(function (group) {
      group.hidden = !group.querySelector("li:not([hidden])");
    });
    var status = document.getElementById(input.getAttribute("aria-describedby"));
    if (status) { status.textContent = words.length ? "แสดง " + shown + " รายการ" : ""; }
  }
  document.querySelectorAll("input[data-filter-list]").forEach(function (input) {
    input.addEventListener("input", function () { apply(input); });
  });
})();
