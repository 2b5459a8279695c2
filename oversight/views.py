"""Pages for users above the offices (Role.OVERSIGHT): the roll-up and its workbook."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from actionplan.models import FiscalYear, Role
from actionplan.workbooks import text_cell
from oversight import figures


def _oversight_user(request: HttpRequest):
    user = request.user
    if user.role != Role.OVERSIGHT or getattr(user, "coverage", None) is None:
        raise PermissionDenied(_("เฉพาะผู้ติดตามแผนระดับภูมิภาคหรือส่วนกลางที่กำหนดพื้นที่แล้ว"))
    return user


def _year(request: HttpRequest) -> tuple[int, list[int]]:
    years = list(FiscalYear.objects.values_list("year_be", flat=True))
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else (years[0] if years else 0)
    return year, years


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = _oversight_user(request)
    year, years = _year(request)
    data = figures.build(user, year)
    context = {"data": data, "year": year, "years": years, "coverage": user.coverage}
    return render(request, "oversight/index.html", context)


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    user = _oversight_user(request)
    year, _years = _year(request)
    data = figures.build(user, year)
    book = Workbook(write_only=True)
    sheets = {
        "สำนักงาน": [
            ["รหัส", "สำนักงาน", "โครงการ", "งบประมาณรวม"]
            + [c.name_th for c in data.categories]
            + [s.name_th for s in data.funds]
        ]
        + [
            [row.office.code, row.office.name_th, row.projects, row.total]
            + [row.categories.get(c.pk, 0) for c in data.categories]
            + [row.funds.get(s.pk, 0) for s in data.funds]
            for row in data.offices
        ],
        "กลยุทธ์": [["กลยุทธ์ที่", "งบประมาณรวม", "จำนวนสำนักงาน"]]
        + [
            [number if number is not None else "ไม่ระบุ", total, len(per)]
            for number, total, per in data.strategies
        ],
        "นโยบาย": [["กรอบนโยบาย", "ข้อ", "งบประมาณที่สนอง", "จำนวนสำนักงาน"]]
        + [[item.framework.title_th, str(item), total, n] for item, total, n in data.policies],
    }
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append([text_cell(ws, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="rollup-{year}.xlsx"'
    return response
