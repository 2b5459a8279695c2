"""The editor's repeated fragments drawn in Python: a labelled field, a budget line row and an
activity's month boxes. They are the same HTML the template partials drew, once per row; at
160 budget lines the template engine spent most of the page's time on them."""

from __future__ import annotations

import functools

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop

from projects.forms import esc

register = template.Library()

# The one formula hint of the page (templates/projects/project_form.html), read with every
# formula input instead of a copy per line.
FORMULA_HINT_ID = "formula-hint"


def _errors(bf) -> str:
    if not bf.errors:
        return ""
    items = "".join(f"<li>{esc(e)}</li>" for e in bf.errors)
    return f'<ul class="errorlist" id="{esc(bf.auto_id)}_error">{items}</ul>'


def _required(bf) -> str:
    return ' <span aria-hidden="true">*</span>' if bf.field.required else ""


@register.simple_tag
def editor_field(bf, wrap: str = "") -> SafeString:
    """A field with its label, hint and errors. A group of radios or boxes is a fieldset whose
    legend is the label (each option is labelled by its own <label for>)."""
    help_html = ""
    if bf.help_text:
        help_html = f'\n  <p class="help" id="{esc(bf.auto_id)}_helptext">{esc(bf.help_text)}</p>'
    if bf.use_fieldset:
        return mark_safe(
            f'<fieldset class="{esc(wrap)}">\n  <legend>'
            f"{esc(bf.label)}{_required(bf)}</legend>\n  {bf}{help_html}"
            f"\n  {_errors(bf)}\n</fieldset>"
        )
    return mark_safe(
        f'<div class="{esc(wrap)}">\n  <label for="{esc(bf.id_for_label)}">'
        f"{esc(bf.label)}{_required(bf)}</label>\n  {bf}{help_html}"
        f"\n  {_errors(bf)}\n</div>"
    )


def _sr_label(bf, text: str) -> str:
    """A visually hidden label; `text` is already escaped."""
    return f'<label for="{esc(bf.id_for_label)}" class="sr-only">{text}</label>'


@functools.lru_cache(maxsize=8)
def _line_texts(language: str) -> dict[str, str]:
    """The fixed texts of a budget line row, translated and escaped once per language instead
    of on every row."""
    return {
        key: esc(gettext(text))
        for key, text in {
            "description": gettext_noop("รายการ"),
            "formula": gettext_noop("สูตรคำนวณ"),
            "plain": gettext_noop("จำนวนเงิน (ถ้าไม่มีสูตร)"),
            "category": gettext_noop("หมวดรายจ่าย"),
            "fund": gettext_noop("แหล่งงบประมาณ"),
            "delete": gettext_noop("ลบรายการนี้"),
            "remove": gettext_noop("ลบ"),
        }.items()
    }


@register.simple_tag
def line_row(lf, findings=None) -> SafeString:
    """One budget line of the editor (and, with the empty form, the row the script clones)."""
    texts = _line_texts(get_language())
    line_id = lf["id"].value()
    row_id = f' id="line-{esc(line_id)}"' if line_id else ""
    description, formula, plain = lf["description_th"], lf["formula"], lf["plain_amount"]
    category, fund, delete = lf["category"], lf["fund_source"], lf["DELETE"]
    described = FORMULA_HINT_ID + (f" {formula.auto_id}_error" if formula.errors else "")
    formula_input = formula.as_widget(attrs={"aria-describedby": described})
    findings_html = "".join(
        format_html(
            '<tr><td colspan="7" class="finding {}">{}</td></tr>', finding.severity, finding.message
        )
        for finding in findings or ()
    )
    return mark_safe(
        f'<tr class="line" data-line{row_id}>\n'
        f"  <td>{lf['id']}{lf['activity_ref']}\n"
        f"    {_sr_label(description, texts['description'])}{description}\n"
        f"    {_errors(description)}</td>\n"
        f"  <td>{_sr_label(formula, texts['formula'])}{formula_input}\n"
        f"    {_errors(formula)}\n"
        f'    <p class="formula-live errorlist" id="{esc(formula.auto_id)}_live"'
        ' data-formula-error aria-live="polite" hidden></p></td>\n'
        f"  <td>{_sr_label(plain, texts['plain'])}{plain}\n"
        f"    {_errors(plain)}</td>\n"
        f"  <td>{_sr_label(category, texts['category'])}{category}\n"
        f"    {_errors(category)}</td>\n"
        f"  <td>{_sr_label(fund, texts['fund'])}{fund}\n"
        f"    {_errors(fund)}</td>\n"
        '  <td class="num line-amount" data-line-amount>–</td>\n'
        f'  <td><label class="sr-only" for="{esc(delete.id_for_label)}">'
        f"{texts['delete']}</label>{delete}\n"
        '    <button type="button" class="small danger" data-remove-line>'
        f"{texts['remove']}</button></td>\n"
        f"</tr>\n{findings_html}"
    )


@register.simple_tag
def month_boxes(bf) -> SafeString:
    """The Gantt month boxes of an activity, each box inside its own label."""
    return mark_safe(
        "".join(
            f'<label for="{esc(box.id_for_label)}">{box.tag()}'
            f"<span>{esc(box.choice_label)}</span></label>"
            for box in bf
        )
    )
