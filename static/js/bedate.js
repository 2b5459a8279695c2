/* Buddhist-Era date picker for every input marked data-bedate (actionplan.forms.BEDateInput).
   Plain JS, no dependencies, written for this app (no licence beyond the project's own).

   Progressive enhancement: without this script the input still takes a typed date ("17/10/2565",
   "17 ต.ค. 65"), which the server reads. With it, a button after the input opens a month grid
   with Thai month names and BE years; picking a day writes dd/mm/yyyy (BE) into the input.

   Keyboard (WAI-ARIA APG "Date Picker Dialog"): arrows move a day or a week, Home/End go to the
   start/end of the week, Page Up/Page Down change the month (with Shift: the year), Enter or
   Space picks the day, Escape closes; Tab stays inside the dialog; when it closes, focus goes
   back to the button. Dates are CE Date objects inside; only what is shown is BE. */
(function () {
  "use strict";
  if (window.ActionPlanBEDate) return;

  const BE = 543;
  const THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";
  const MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
    "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"];
  const ABBR = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.",
    "พ.ย.", "ธ.ค."];
  /* What the calendar says, in the page's language (the English catalogue's page keeps BE
     years too: only the words change). */
  const TEXTS = {
    th: {
      months: MONTHS,
      weekdays: [["อา", "อาทิตย์"], ["จ", "จันทร์"], ["อ", "อังคาร"], ["พ", "พุธ"],
        ["พฤ", "พฤหัสบดี"], ["ศ", "ศุกร์"], ["ส", "เสาร์"]],
      open: (label) => `เลือก${label}จากปฏิทิน`,
      dialog: (label) => `ปฏิทินเลือก${label}`,
      prevYear: "ปีก่อนหน้า", prevMonth: "เดือนก่อนหน้า",
      nextMonth: "เดือนถัดไป", nextYear: "ปีถัดไป",
      today: "วันนี้", close: "ปิด",
      hint: "ปุ่มลูกศรเลื่อนวัน Page Up/Page Down เปลี่ยนเดือน Enter เลือกวัน Esc ปิด",
    },
    en: {
      months: ["January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December"],
      weekdays: [["Su", "Sunday"], ["Mo", "Monday"], ["Tu", "Tuesday"], ["We", "Wednesday"],
        ["Th", "Thursday"], ["Fr", "Friday"], ["Sa", "Saturday"]],
      open: (label) => `Choose ${label} from the calendar`,
      dialog: (label) => `Calendar: ${label}`,
      prevYear: "Previous year", prevMonth: "Previous month",
      nextMonth: "Next month", nextYear: "Next year",
      today: "Today", close: "Close",
      hint: "Arrow keys move the day, Page Up/Page Down the month, Enter picks, Esc closes",
    },
  };
  const TEXT = TEXTS[(document.documentElement.lang || "th").slice(0, 2)] || TEXTS.th;
  let counter = 0;

  const arabic = (s) => String(s || "").replace(/[๐-๙]/g, (d) => String(THAI_DIGITS.indexOf(d)));
  const pad = (n) => String(n).padStart(2, "0");
  const sameDay = (a, b) => !!a && !!b && a.getFullYear() === b.getFullYear()
    && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  const longDate = (d) => `${d.getDate()} ${TEXT.months[d.getMonth()]} ${d.getFullYear() + BE}`;

  /* "17/10/2565" as the input shows it (two-digit day and month, BE year). */
  function format(d) {
    return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear() + BE}`;
  }

  /* The month to open on: what the input holds when it reads as a date (dd/mm/yyyy or yy BE,
     "17 ต.ค. 65", "17 ตุลาคม 2565", "2022-10-17"), else null. The server has the final word. */
  function parse(text) {
    const t = arabic(text).trim().replace(/\s+/g, " ");
    let day, month, year;
    let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
    if (m) [year, month, day] = [m[1], Number(m[2]), Number(m[3])];
    else if ((m = /^(\d{1,2}) ?([/.-]) ?(\d{1,2}) ?\2 ?(\d{4}|\d{2})$/.exec(t))) {
      [day, month, year] = [Number(m[1]), Number(m[3]), m[4]];
    } else if ((m = /^(\d{1,2}) ?([^\d\s]+) ?(?:พ\.? ?ศ\.? ?)?(\d{4}|\d{2})$/.exec(t))) {
      const name = m[2].replace(/[.\s]/g, "");
      month = MONTHS.indexOf(name) + 1 || ABBR.findIndex((a) => a.replace(/\./g, "") === name) + 1;
      [day, year] = [Number(m[1]), m[3]];
    }
    if (!day || !month) return null;
    let y = Number(year);
    if (year.length === 2) y += 2500;
    if (y > 2400) y -= BE;
    const d = new Date(y, month - 1, day);
    return d.getFullYear() === y && d.getMonth() === month - 1 && d.getDate() === day ? d : null;
  }

  function addDays(d, n) {
    return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
  }

  /* The same day n months later, or the month's last day when it is shorter (31 -> 28/29). */
  function addMonths(d, n) {
    const first = new Date(d.getFullYear(), d.getMonth() + n, 1);
    const last = new Date(first.getFullYear(), first.getMonth() + 1, 0).getDate();
    return new Date(first.getFullYear(), first.getMonth(), Math.min(d.getDate(), last));
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function labelOf(input) {
    const label = input.labels && input.labels[0];
    const text = label ? label.textContent : input.getAttribute("aria-label") || "วันที่";
    return text.replace(/\*/g, "").replace(/\s+/g, " ").trim();
  }

  const ICON = '<svg aria-hidden="true" focusable="false" width="20" height="20" viewBox="0 0 20 20">'
    + '<rect x="2.5" y="4" width="15" height="13.5" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.6"/>'
    + '<path d="M2.5 8h15M6.5 2v4M13.5 2v4" stroke="currentColor" stroke-width="1.6" fill="none"/>'
    + '<path d="M6 11h2v2H6zM9 11h2v2H9zM12 11h2v2h-2z" fill="currentColor"/></svg>';

  function enhance(input) {
    if (input.dataset.bedateReady) return;
    input.dataset.bedateReady = "1";
    const id = input.id || `bedate-${++counter}`;
    const label = labelOf(input);

    const wrap = el("span", { class: "bedate" });
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    const button = el("button", {
      type: "button", class: "bedate-button", "aria-haspopup": "dialog", "aria-expanded": "false",
      "aria-controls": `${id}-calendar`, "aria-label": TEXT.open(label), title: TEXT.open(label),
    });
    button.innerHTML = ICON;
    wrap.appendChild(button);

    const dialog = el("div", {
      class: "bedate-dialog", id: `${id}-calendar`, role: "dialog", "aria-modal": "true",
      "aria-label": TEXT.dialog(label),
    });
    dialog.hidden = true;
    const head = el("div", { class: "bedate-head" });
    const stepButton = (months, name, glyph) => {
      const b = el("button", { type: "button", class: "small", "aria-label": name, title: name }, glyph);
      b.addEventListener("click", () => show(addMonths(focused, months), false));
      return b;
    };
    const title = el("p", { class: "bedate-title", id: `${id}-calendar-title`, "aria-live": "polite" });
    head.append(stepButton(-12, TEXT.prevYear, "«"), stepButton(-1, TEXT.prevMonth, "‹"), title,
      stepButton(1, TEXT.nextMonth, "›"), stepButton(12, TEXT.nextYear, "»"));
    const grid = el("table", { role: "grid", "aria-labelledby": `${id}-calendar-title` });
    const headRow = el("tr");
    for (const [short, full] of TEXT.weekdays) {
      const th = el("th", { scope: "col", abbr: full }, short);
      headRow.appendChild(th);
    }
    grid.appendChild(el("thead")).appendChild(headRow);
    const body = grid.appendChild(el("tbody"));
    const foot = el("div", { class: "bedate-foot" });
    const todayButton = el("button", { type: "button", class: "small" }, TEXT.today);
    const closeButton = el("button", { type: "button", class: "small" }, TEXT.close);
    foot.append(todayButton, closeButton);
    const hint = el("p", { class: "help", id: `${id}-calendar-hint` }, TEXT.hint);
    grid.setAttribute("aria-describedby", hint.id);
    dialog.append(head, grid, foot, hint);
    wrap.appendChild(dialog);

    let focused = new Date();
    let selected = null;

    /* Draw the month of `day` with `day` as the one focusable cell; move focus there if asked. */
    function show(day, moveFocus) {
      focused = day;
      title.textContent = `${TEXT.months[day.getMonth()]} ${day.getFullYear() + BE}`;
      body.textContent = "";
      const first = new Date(day.getFullYear(), day.getMonth(), 1);
      const days = new Date(day.getFullYear(), day.getMonth() + 1, 0).getDate();
      const today = new Date();
      let row = body.appendChild(el("tr"));
      for (let i = 0; i < first.getDay(); i++) row.appendChild(el("td", { class: "bedate-empty" }));
      for (let n = 1; n <= days; n++) {
        if (row.children.length === 7) row = body.appendChild(el("tr"));
        const date = new Date(day.getFullYear(), day.getMonth(), n);
        const cell = el("td", {
          tabindex: n === day.getDate() ? "0" : "-1",
          "aria-label": longDate(date),
          "aria-selected": sameDay(date, selected) ? "true" : "false",
          "data-day": String(n),
        }, String(n));
        if (sameDay(date, today)) cell.setAttribute("aria-current", "date");
        row.appendChild(cell);
      }
      while (row.children.length < 7) row.appendChild(el("td", { class: "bedate-empty" }));
      if (moveFocus) current().focus();
    }

    const current = () => body.querySelector('td[tabindex="0"]');

    /* An empty input opens on today, or on the first day of the plan's fiscal year (1 October
       of the year before) when today is outside it. */
    function startDay() {
      const today = new Date();
      const year = Number(input.dataset.fiscalYear) - BE;
      if (!year) return today;
      const first = new Date(year - 1, 9, 1);
      return today >= first && today < new Date(year, 9, 1) ? today : first;
    }

    function open() {
      selected = parse(input.value);
      dialog.hidden = false;
      button.setAttribute("aria-expanded", "true");
      show(selected || startDay(), true);
      document.addEventListener("pointerdown", outside, true);
    }

    function close(returnFocus) {
      if (dialog.hidden) return;
      dialog.hidden = true;
      button.setAttribute("aria-expanded", "false");
      document.removeEventListener("pointerdown", outside, true);
      if (returnFocus) button.focus();
    }

    function outside(event) {
      if (!wrap.contains(event.target)) close(false);
    }

    function pick(day) {
      input.value = format(day);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      close(true);
    }

    button.addEventListener("click", () => (dialog.hidden ? open() : close(true)));
    todayButton.addEventListener("click", () => pick(new Date()));
    closeButton.addEventListener("click", () => close(true));
    body.addEventListener("click", (event) => {
      const cell = event.target.closest("td[data-day]");
      if (cell) pick(new Date(focused.getFullYear(), focused.getMonth(), Number(cell.dataset.day)));
    });
    body.addEventListener("keydown", (event) => {
      const moves = {
        ArrowLeft: () => addDays(focused, -1),
        ArrowRight: () => addDays(focused, 1),
        ArrowUp: () => addDays(focused, -7),
        ArrowDown: () => addDays(focused, 7),
        Home: () => addDays(focused, -focused.getDay()),
        End: () => addDays(focused, 6 - focused.getDay()),
        PageUp: () => addMonths(focused, event.shiftKey ? -12 : -1),
        PageDown: () => addMonths(focused, event.shiftKey ? 12 : 1),
      };
      if (moves[event.key]) {
        event.preventDefault();
        show(moves[event.key](), true);
      } else if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        pick(focused);
      }
    });
    dialog.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close(true);
      } else if (event.key === "Tab") {
        // Modal: Tab and Shift+Tab cycle through the header buttons, the day and the footer.
        const stops = [...head.querySelectorAll("button"), current(), todayButton, closeButton];
        const at = stops.indexOf(document.activeElement);
        const next = (at + (event.shiftKey ? -1 : 1) + stops.length) % stops.length;
        event.preventDefault();
        stops[next].focus();
      }
    });
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("input[data-bedate]").forEach(enhance);
  }

  window.ActionPlanBEDate = { format, parse, enhanceAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => enhanceAll());
  } else {
    enhanceAll();
  }
})();
