/* Project editor: live totals, formula preview, adding/removing rows, quarter helpers.
   Plain JS, no dependencies. The server recomputes everything on save; this only shows it early. */
(function () {
  "use strict";
  const form = document.getElementById("editor");
  if (!form) return;
  const THAI = "๐๑๒๓๔๕๖๗๘๙";
  const json = (id) => JSON.parse(document.getElementById(id)?.textContent || "{}");
  const categoryNames = json("category-names");
  const fundNames = json("fund-names");
  const people = json("people-data");

  const arabic = (s) => String(s || "").replace(/[๐-๙]/g, (d) => String(THAI.indexOf(d)));
  const cents = (x) => Math.round(x * 100);
  const fmt = (c) => (c / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function parseAmount(text) {
    const t = arabic(text).replace(/บาท|\.-|,|\s/g, "");
    if (t === "" || /^-+$/.test(t)) return null;
    // What the server's ThaiDecimalField reads: digits, thousands commas, a decimal point.
    if (!/^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/.test(arabic(text).replace(/บาท|\.-|\s/g, ""))) return NaN;
    return cents(Number(t));
  }

  const field = (root, name) => root.querySelector(`[name$="-${name}"]`);
  const isDeleted = (row) => field(row, "DELETE")?.checked;
  const formulaMessages = json("formula-messages");
  const FORMULA = window.ActionPlanFormula;

  /* The line's amount in satang (a Number), null for an empty line, NaN when the server would
     refuse it; the formula's refusal is shown under the formula as the planner types. */
  function lineCents(row) {
    const input = field(row, "formula");
    const out = row.querySelector("[data-formula-error]");
    if (!input.value.trim()) {
      if (out) out.hidden = true;
      return parseAmount(field(row, "plain_amount").value);
    }
    const parsed = FORMULA.parse(input.value, formulaMessages);
    if (out) {
      out.textContent = parsed.error ? parsed.message : "";
      out.hidden = !parsed.error;
      const described = (input.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== out.id);
      if (parsed.error) described.push(out.id);
      if (described.length) input.setAttribute("aria-describedby", described.join(" "));
      else input.removeAttribute("aria-describedby");
      input.setAttribute("aria-invalid", parsed.error ? "true" : "false");
    }
    return parsed.error ? NaN : Number(parsed.cents);
  }

  function recalc() {
    let project = 0;
    const byCategory = {}, byFund = {}, quarters = [0, 0, 0, 0];
    let top = 0, sub = 0;
    form.querySelectorAll("[data-activity]").forEach((card) => {
      if (isDeleted(card)) return;
      const isSub = field(card, "is_sub").checked;
      card.classList.toggle("sub", isSub);
      if (isSub && top > 0) { sub += 1; card.querySelector("[data-activity-number]").textContent = `${top}.${sub}`; }
      else { top += 1; sub = 0; card.querySelector("[data-activity-number]").textContent = String(top); }
      let total = 0, unknown = false;
      card.querySelectorAll("[data-line]").forEach((row) => {
        const out = row.querySelector("[data-line-amount]");
        if (isDeleted(row)) return;
        const c = lineCents(row);
        if (c === null) { out.textContent = "–"; return; }
        if (Number.isNaN(c)) {
          unknown = true;
          out.textContent = "?";
          out.title = field(row, "formula").value.trim() ? "สูตรไม่ถูกต้อง ดูข้อความใต้สูตร (ไม่นับรวมในยอด)" : "จำนวนเงินไม่ถูกต้อง (ไม่นับรวมในยอด)";
          return;
        }
        out.title = "";
        out.textContent = fmt(c);
        total += c;
        const cat = categoryNames[field(row, "category").value] || "ไม่ระบุหมวด";
        const fund = fundNames[field(row, "fund_source").value] || "ไม่ระบุแหล่ง";
        byCategory[cat] = (byCategory[cat] || 0) + c;
        byFund[fund] = (byFund[fund] || 0) + c;
      });
      card.querySelector("[data-activity-total]").textContent = fmt(total);
      const legend = card.querySelector("[data-unknown-legend]");
      if (legend) legend.hidden = !unknown;
      let qsum = 0;
      [1, 2, 3, 4].forEach((q) => {
        const v = parseAmount(field(card, `q${q}`).value) || 0;
        quarters[q - 1] += v; qsum += v;
      });
      const warning = card.querySelector("[data-quarter-warning]");
      warning.hidden = qsum === total;
      warning.textContent = qsum === total ? "" :
        `แผนรายไตรมาสรวม ${fmt(qsum)} บาท ยังไม่เท่ากับงบประมาณของกิจกรรม ${fmt(total)} บาท`;
      project += total;
    });
    const list = (obj) => Object.entries(obj).map(([k, v]) => `${k} ${fmt(v)}`).join(" · ");
    form.querySelector("[data-project-total]").textContent = fmt(project);
    form.querySelector("[data-category-totals]").textContent = list(byCategory);
    form.querySelector("[data-fund-totals]").textContent = list(byFund);
    form.querySelector("[data-quarter-totals]").textContent =
      quarters.map((v, i) => `ไตรมาส ${i + 1}: ${fmt(v)}`).join(" · ");
  }

  /* Rows of each formset as Django counts them against its MAX_NUM_FORMS (every row on the
     page but those marked for deletion), and the add buttons that make one more. */
  const KINDS = {
    lines: { rows: "[data-line]", add: "[data-add-line]" },
    activities: { rows: "[data-activity]", add: "[data-add-activity]" },
    people: { rows: "[data-person]", add: "[data-add-person]" },
    indicators: { rows: "[data-indicator]", add: "[data-add-indicator]" },
  };
  const maxRows = (prefix) => Number(form.querySelector(`[name="${prefix}-MAX_NUM_FORMS"]`)?.value || Infinity);
  const liveRows = (prefix) => Array.from(form.querySelectorAll(KINDS[prefix].rows)).filter((row) => !isDeleted(row)).length;
  const isFull = (prefix) => liveRows(prefix) >= maxRows(prefix);

  /* At the limit the add buttons are disabled and the note next to each says why, before
     anything is typed that the server would refuse. */
  function updateLimits() {
    Object.keys(KINDS).forEach((prefix) => {
      const full = isFull(prefix);
      form.querySelectorAll(KINDS[prefix].add).forEach((button) => {
        button.disabled = full;
        const note = button.nextElementSibling?.matches("[data-limit-note]") ? button.nextElementSibling : null;
        if (note) note.hidden = !full;
      });
    });
  }

  function addFromTemplate(templateId, prefix, container) {
    if (isFull(prefix)) { updateLimits(); return null; }
    const total = form.querySelector(`[name="${prefix}-TOTAL_FORMS"]`);
    const index = Number(total.value);
    const html = document.getElementById(templateId).innerHTML.replace(/__prefix__/g, String(index));
    container.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const added = container.lastElementChild?.matches("tr, section, fieldset")
      ? container.lastElementChild : container.querySelector(`[data-index="${index}"]`);
    hideDeleteBoxes(added || container);
    updateLimits();
    return { index, element: added };
  }

  function hideDeleteBoxes(root) {
    root.querySelectorAll('input[name$="-DELETE"]').forEach((box) => {
      box.hidden = true;
      const label = root.querySelector(`label[for="${box.id}"]`);
      if (label) label.hidden = true;
    });
  }

  function removeRow(row, focusAfter) {
    const box = field(row, "DELETE");
    if (box) box.checked = true;
    row.hidden = true;
    const next = row.nextElementSibling;
    if (next && next.matches("tr") && !next.hasAttribute("data-line")) next.hidden = true;
    updateLimits();
    focusAfter?.focus();
    recalc();
  }

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const card = button.closest("[data-activity]");
    if (button.matches("[data-add-line]")) {
      const element = addFromTemplate("line-template", "lines", card.querySelector("[data-lines]"))?.element;
      if (element) {
        field(element, "activity_ref").value = card.dataset.index;
        field(element, "description_th").focus();
      }
    } else if (button.matches("[data-remove-line]")) {
      removeRow(button.closest("[data-line]"), card?.querySelector("[data-add-line]"));
    } else if (button.matches("[data-add-activity]")) {
      const element = addFromTemplate("activity-template", "activities", form.querySelector("[data-activities]"))?.element;
      if (element) field(element, "title_th").focus();
    } else if (button.matches("[data-remove-activity]")) {
      removeRow(card, form.querySelector("[data-add-activity]"));
    } else if (button.matches("[data-add-person]")) {
      const element = addFromTemplate("person-template", "people", form.querySelector("[data-people]"))?.element;
      if (element) field(element, "person").focus();
    } else if (button.matches("[data-add-indicator]")) {
      const element = addFromTemplate("indicator-template", "indicators", form.querySelector("[data-indicators]"))?.element;
      if (element) field(element, "text_th").focus();
    } else if (button.matches("[data-remove-row]")) {
      removeRow(button.closest("[data-person], [data-indicator]"), button.closest("section").querySelector("button[data-add-person], button[data-add-indicator]"));
    } else if (button.matches("[data-spread]")) {
      const total = parseAmount(card.querySelector("[data-activity-total]").textContent) || 0;
      const quarter = Math.floor(total / 4);
      [1, 2, 3, 4].forEach((q) => { field(card, `q${q}`).value = fmt(q < 4 ? quarter : total - 3 * quarter); });
      recalc();
    } else return;
    event.preventDefault();
  });

  form.addEventListener("change", (event) => {
    const select = event.target;
    if (select.matches("[data-all-in]") && select.value) {
      const card = select.closest("[data-activity]");
      const total = parseAmount(card.querySelector("[data-activity-total]").textContent) || 0;
      [1, 2, 3, 4].forEach((q) => { field(card, `q${q}`).value = String(q) === select.value ? fmt(total) : ""; });
      select.value = "";
    }
    if (select.matches('select[name$="-person"]') && people[select.value]) {
      const row = select.closest("[data-person]");
      field(row, "name_th").value = people[select.value].name;
      field(row, "position_th").value = people[select.value].position;
    }
    recalc();
  });
  form.addEventListener("input", recalc);

  // More fields than the server reads (DATA_UPLOAD_MAX_NUMBER_FIELDS) would be refused with
  // nothing saved: say so here and send nothing, so the page and its typing stay as they are.
  form.addEventListener("submit", (event) => {
    const maxFields = Number(form.dataset.maxFields || 0);
    const error = form.querySelector("[data-fields-error]");
    if (!maxFields || Array.from(new FormData(form).keys()).length <= maxFields) {
      if (error) error.hidden = true;
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    if (error) { error.hidden = false; error.focus(); }
  });

  let dirty = false;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("submit", () => { dirty = false; });
  // A line belongs to the activity it is shown under (the server shows a line whose reference
  // it could not place under the first activity, with its error).
  form.addEventListener("submit", () => {
    form.querySelectorAll("[data-activity] [data-line]").forEach((row) => {
      field(row, "activity_ref").value = row.closest("[data-activity]").dataset.index;
    });
    saveDraft();
  });
  window.addEventListener("beforeunload", (event) => { if (dirty) { event.preventDefault(); } });

  /* What was sent, kept for this tab until the next page of the editor loads. Should the server
     refuse the post before any view runs (its Thai 400 page: too many fields, too large), Back
     brings the user here again and the draft is put back, rows added in that visit included;
     a browser restores typed fields on Back only in part. Any other load drops the draft. */
  const DRAFT = `actionplan-editor-draft:${location.pathname}`;
  const versionOf = () => form.querySelector('[name="version"]')?.value || "";

  function saveDraft() {
    try {
      sessionStorage.setItem(DRAFT, JSON.stringify({ version: versionOf(), pairs: Array.from(new FormData(form)) }));
    } catch (e) { /* no storage (private mode, quota): the browser's own restore remains */ }
  }

  function takeDraft() {
    try {
      const draft = JSON.parse(sessionStorage.getItem(DRAFT) || "null");
      sessionStorage.removeItem(DRAFT);
      const back = performance.getEntriesByType("navigation")[0]?.type === "back_forward";
      return back && draft && draft.version === versionOf() ? draft : null;
    } catch (e) { return null; }
  }

  function restoreDraft(draft) {
    const values = new Map();
    draft.pairs.forEach(([name, value]) => values.set(name, [...(values.get(name) || []), value]));
    const first = (name) => (values.get(name) || [""])[0];
    const count = (prefix) => Number(form.querySelector(`[name="${prefix}-TOTAL_FORMS"]`).value);
    const grow = (prefix, add) => {
      while (count(prefix) < Number(first(`${prefix}-TOTAL_FORMS`)) && add(count(prefix))) { /* one more row */ }
    };
    grow("activities", () => addFromTemplate("activity-template", "activities", form.querySelector("[data-activities]")));
    grow("people", () => addFromTemplate("person-template", "people", form.querySelector("[data-people]")));
    grow("indicators", () => addFromTemplate("indicator-template", "indicators", form.querySelector("[data-indicators]")));
    grow("lines", (index) => {
      const card = form.querySelector(`[data-activity][data-index="${first(`lines-${index}-activity_ref`)}"]`)
        || form.querySelector("[data-activity]");
      return card && addFromTemplate("line-template", "lines", card.querySelector("[data-lines]"));
    });
    Array.from(form.elements).forEach((el) => {
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken" || /-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/.test(el.name)) return;
      const sent = values.get(el.name) || [];
      if (el.type === "checkbox" || el.type === "radio") el.checked = sent.includes(el.value);
      else if (el.multiple) Array.from(el.options).forEach((o) => { o.selected = sent.includes(o.value); });
      else if (values.has(el.name)) el.value = sent[0];
    });
    const note = document.querySelector("[data-draft-restored]");
    if (note) note.hidden = false;
    dirty = true;
  }

  /* The totals bar: its details open on demand on a small screen (open by default on a wide
     one), the page's scroll-padding-bottom follows its height so that a focused field is never
     hidden under it (WCAG 2.4.11), and a screen reader hears the project total once typing
     pauses, not at every keystroke. */
  const bar = form.querySelector("[data-totals]");
  const toggle = bar?.querySelector("[data-totals-toggle]");
  const detail = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  const small = window.matchMedia("(max-width: 800px)");
  function expand(open) {
    if (!toggle || !detail) return;
    toggle.setAttribute("aria-expanded", String(open));
    detail.hidden = !open;
  }
  if (toggle && detail) {
    toggle.hidden = false;
    expand(!small.matches);
    toggle.addEventListener("click", () => expand(toggle.getAttribute("aria-expanded") !== "true"));
    small.addEventListener("change", () => expand(!small.matches));
  }
  function padForBar() {
    if (bar) document.documentElement.style.scrollPaddingBottom = `${Math.ceil(bar.getBoundingClientRect().height) + 8}px`;
  }
  if (bar && "ResizeObserver" in window) new ResizeObserver(padForBar).observe(bar);
  padForBar();
  // The browser scrolls a focused field into view only when it is wholly out of view: a tall
  // textarea whose lower part lies under the bar is scrolled up until it clears the bar (or,
  // taller than the room above the bar, until its top edge is at the top of the window).
  form.addEventListener("focusin", (event) => {
    if (!bar || bar.contains(event.target)) return;
    const top = bar.getBoundingClientRect().top;
    const rect = event.target.getBoundingClientRect();
    if (rect.bottom > top && rect.top < top) window.scrollBy(0, Math.min(rect.bottom - top + 4, rect.top - 4));
  });
  const status = bar?.querySelector("[data-totals-status]");
  let announceTimer = 0;
  function announceTotal() {
    clearTimeout(announceTimer);
    announceTimer = setTimeout(() => {
      const total = form.querySelector("[data-project-total]").textContent;
      if (status) status.textContent = `งบประมาณทั้งโครงการ ${total} บาท`;
    }, 1000);
  }
  form.addEventListener("input", announceTotal);
  form.addEventListener("change", announceTotal);

  const draft = takeDraft();
  if (draft) restoreDraft(draft);
  hideDeleteBoxes(form);
  form.querySelectorAll('input[name$="-DELETE"]:checked').forEach((box) => {
    const row = box.closest("[data-line], [data-activity], [data-person], [data-indicator]");
    if (row) row.hidden = true;
  });
  updateLimits();
  recalc();
  document.getElementById("error-summary")?.focus();
})();
