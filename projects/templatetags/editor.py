"""The editor's repeated fragments drawn in Python: a labelled field, a budget line row and an
activity's month boxes. They are the same HTML the template partials drew, once per row; at
160 budget lines the template engine spent most of the page's time on them."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

# The one formula hint of the page (templates/projects/project_form.html), read with every
# formula input instead of a copy per line.
FORMULA_HINT_ID = "formula-hint"


def _errors(bf) -> str:
    if not bf.errors:
        return ""
    items = "".join(f"<li>{conditional_escape(e)}</li>" for e in bf.errors)
    return f'<ul class="errorlist" id="{conditional_escape(bf.auto_id)}_error">{items}</ul>'


def _required(bf) -> str:
    return ' <span aria-hidden="true">*</span>' if bf.field.required else ""


@register.simple_tag
def editor_field(bf, wrap: str = "") -> SafeString:
    """A field with its label, hint and errors. A group of radios or boxes is a fieldset whose
    legend is the label (each option is labelled by its own <label for>)."""
    help_html = ""
    if bf.help_text:
        help_html = (
            f'\n  <p class="help" id="{conditional_escape(bf.auto_id)}_helptext">'
            f"{conditional_escape(bf.help_text)}</p>"
        )
    if bf.use_fieldset:
        return mark_safe(
            f'<fieldset class="{conditional_escape(wrap)}">\n  <legend>'
            f"{conditional_escape(bf.label)}{_required(bf)}</legend>\n  {bf}{help_html}"
            f"\n  {_errors(bf)}\n</fieldset>"
        )
    return mark_safe(
        f'<div class="{conditional_escape(wrap)}">\n  <label for="{conditional_escape(bf.id_for_label)}">'
        f"{conditional_escape(bf.label)}{_required(bf)}</label>\n  {bf}{help_html}"
        f"\n  {_errors(bf)}\n</div>"
    )


def _sr_label(bf, text: str) -> str:
    return format_html('<label for="{}" class="sr-only">{}</label>', bf.id_for_label, text)


@register.simple_tag
def line_row(lf, findings=None) -> SafeString:
    """One budget line of the editor (and, with the empty form, the row the script clones)."""
    line_id = lf["id"].value()
    row_id = f' id="line-{conditional_escape(line_id)}"' if line_id else ""
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
        f"    {_sr_label(description, gettext('รายการ'))}{description}\n"
        f"    {_errors(description)}</td>\n"
        f"  <td>{_sr_label(formula, gettext('สูตรคำนวณ'))}{formula_input}\n"
        f"    {_errors(formula)}\n"
        f'    <p class="formula-live errorlist" id="{conditional_escape(formula.auto_id)}_live"'
        ' data-formula-error aria-live="polite" hidden></p></td>\n'
        f"  <td>{_sr_label(plain, gettext('จำนวนเงิน (ถ้าไม่มีสูตร)'))}{plain}\n"
        f"    {_errors(plain)}</td>\n"
        f"  <td>{_sr_label(category, gettext('หมวดรายจ่าย'))}{category}\n"
        f"    {_errors(category)}</td>\n"
        f"  <td>{_sr_label(fund, gettext('แหล่งงบประมาณ'))}{fund}\n"
        f"    {_errors(fund)}</td>\n"
        '  <td class="num line-amount" data-line-amount>–</td>\n'
        f'  <td><label class="sr-only" for="{conditional_escape(delete.id_for_label)}">'
        f"{conditional_escape(gettext('ลบรายการนี้'))}</label>{delete}\n"
        '    <button type="button" class="small danger" data-remove-line>'
        f"{conditional_escape(gettext('ลบ'))}</button></td>\n"
        f"</tr>\n{findings_html}"
    )


@register.simple_tag
def month_boxes(bf) -> SafeString:
    """The Gantt month boxes of an activity, each box inside its own label."""
    return mark_safe(
        "".join(
            f'<label for="{conditional_escape(box.id_for_label)}">{box.tag()}'
            f"<span>{conditional_escape(box.choice_label)}</span></label>"
            for box in bf
        )
    )
