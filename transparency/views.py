"""The public transparency pages: no login, approved plans only, cached (issue 20)."""

from __future__ import annotations

import csv
import io

from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from actionplan.models import Office, Plan
from printing import tasks
from transparency import public

CSV_COLUMNS = [
    ("number", "ที่"),
    ("name", "โครงการ"),
    ("strategy", "กลยุทธ์"),
    ("group", "กลุ่มที่รับผิดชอบ"),
    ("budget", "งบประมาณ (บาท)"),
    ("funds", "แหล่งงบประมาณ"),
    ("start", "เริ่มต้น"),
    ("end", "สิ้นสุด"),
    ("indicators", "ตัวชี้วัดความสำเร็จ"),
    ("results", "ผลการดำเนินงานที่รับรองแล้ว"),
]


def _published(code: str, plan_id: int):
    office = get_object_or_404(Office, code=code)
    plan = get_object_or_404(
        Plan.objects.select_related("fiscal_year", "office"), pk=plan_id, office=office
    )
    approval = public.latest_approval(plan)
    if approval is None:
        raise Http404("แผนนี้ยังไม่ได้รับอนุมัติ จึงยังไม่เผยแพร่")
    return office, plan, approval


def _public(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"  # open data, linkable from the office's site
    return response


@require_GET
def office_page(request: HttpRequest, code: str) -> HttpResponse:
    office = get_object_or_404(Office, code=code)
    plans = list(public.published_plans(office))
    return _public(render(request, "transparency/office.html", {"office": office, "plans": plans}))


@require_GET
def plan_page(request: HttpRequest, code: str, plan_id: int) -> HttpResponse:
    office, plan, approval = _published(code, plan_id)
    key = f"transparency-page:{public.version(plan, approval)}:{get_language()}"
    html = cache.get(key)
    if html is None:
        data = public.public_plan(plan, approval)
        book = tasks.approval_renders(plan).get(approval.pk)
        html = render_to_string(
            "transparency/plan.html",
            {"office": office, "plan": plan, "data": data, "has_book": book is not None},
            request=None,
        )
        cache.set(key, html, public.CACHE_SECONDS)
    return _public(HttpResponse(html))


@require_GET
def plan_json(request: HttpRequest, code: str, plan_id: int) -> HttpResponse:
    _, plan, approval = _published(code, plan_id)
    data = public.public_plan(plan, approval)
    return _public(JsonResponse(data, json_dumps_params={"ensure_ascii": False}))


def _cell(project: dict, key: str) -> str:
    value = project[key]
    if key == "funds":
        return "; ".join(f"{name} {amount}" for name, amount in value.items())
    if key == "indicators":
        return "; ".join(
            f"{k['text']} ({k['target']})" if k["target"] else k["text"] for k in value
        )
    if key == "results":
        return "; ".join(f"{r['round']}: เบิกจ่ายสะสม {r['spent']} บาท" for r in value)
    return str(value)


@require_GET
def plan_csv(request: HttpRequest, code: str, plan_id: int) -> HttpResponse:
    office, plan, approval = _published(code, plan_id)
    data = public.public_plan(plan, approval)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for _, label in CSV_COLUMNS])
    for project in data["projects"]:
        writer.writerow([_cell(project, key) for key, _ in CSV_COLUMNS])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"{office.code}-plan-{plan.fiscal_year.year_be}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return _public(response)


@require_GET
def plan_book(request: HttpRequest, code: str, plan_id: int) -> FileResponse:
    _, plan, approval = _published(code, plan_id)
    book = tasks.approval_renders(plan).get(approval.pk)
    if book is None:
        raise Http404("เล่มแผนฉบับอนุมัติยังไม่พร้อม")
    response = FileResponse(book.file.open("rb"), content_type="application/pdf")
    name = f"{plan.office.code}-plan-{plan.fiscal_year.year_be}-approved-{approval.number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return _public(response)
