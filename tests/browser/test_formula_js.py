"""The editor's preview reads formulas exactly as the server does: static/js/formula.js, run in
Chromium over the same corpus as tests/budgets/test_formula.py (issue 14)."""

import json
from pathlib import Path

import pytest
from django.utils import translation

from budgets.formula import formula_messages

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CORPUS = json.loads((ROOT / "tests/budgets/formula_corpus.json").read_text(encoding="utf-8"))[
    "cases"
]

RUN = """([cases, messages]) => cases.map((c) => {
  const r = window.ActionPlanFormula.parse(c.text, messages);
  return {
    text: c.text, error: r.error, at: r.error ? r.at : null,
    amount: r.cents === null || (r.error && r.error !== "mismatch") ? null : window.ActionPlanFormula.baht(r.cents).replace(/,/g, ""),
    declared: r.declared === null ? null : window.ActionPlanFormula.baht(r.declared).replace(/,/g, ""),
    factors: r.factors, message: r.message,
  };
})"""


def test_the_browser_reads_every_corpus_formula_as_the_server_does(page):
    page.set_content("<!doctype html><html lang='th'><body></body></html>")
    page.add_script_tag(path=str(ROOT / "static/js/formula.js"))
    with translation.override("th"):
        messages = formula_messages()
    results = page.evaluate(RUN, [CORPUS, messages])
    expected = [
        {k: c[k] for k in ("text", "error", "at", "amount", "declared", "factors", "message")}
        for c in CORPUS
    ]
    differences = [(e, r) for e, r in zip(expected, results, strict=True) if e != r]
    assert differences == [], differences[:5]
    assert len(results) >= 150
