"""Audit history of projects: the project document as plain data, diffs in Thai, event records.

`document(project)` turns a prefetched project into JSON-able data: the same shape serves the
before/after diff of every save and the frozen snapshot of an approved version. Building it
never queries per row (use `document_queryset()`), so a save costs a fixed number of queries.

Services call `record(...)` inside their transaction, so a rolled-back change leaves no record.
Imports and other bulk writers call `record_bulk(...)`: signals are not used because
`QuerySet.update()` and `bulk_create()` bypass them (quality.md pitfall 5).
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import json
from collections.abc import Iterable

from django.utils import timezone

from actionplan import thai
from actionplan.i18n import in_thai
from projects.models import (
    EventAction,
    ItemKind,
    Project,
    ProjectEvent,
    ProjectStatus,
    SignatureRole,
)

# The client address of the request being served, set by `captures_ip` on write views.
_request_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_ip", default=None)


def current_ip() -> str | None:
    """The client address of the request being served, if a write view captured it."""
    return _request_ip.get()


def captures_ip(view):
    """View decorator: audit records written while the view runs carry the client's IP."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        token = _request_ip.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return view(request, *args, **kwargs)
        finally:
            _request_ip.reset(token)

    return wrapper


# --- The project document as data ------------------------------------------------------------

HEADER_FIELDS = [
    "name_th",
    "code",
    "programme",
    "strategy",
    "lead_unit",
    "co_units",
    "alignments",
    "project_type",
    "start_date",
    "end_date",
    "location_th",
    "rationale_th",
    "target_groups_th",
    "allow_reallocation",
    "declared_total",
]

ACTIVITY_FIELDS = {
    "title": "กิจกรรม",
    "parent": "อยู่ภายใต้กิจกรรม",
    "steps": "ขั้นตอน",
    "period": "ระยะเวลา",
    "location": "สถานที่",
    "responsible": "ผู้รับผิดชอบ",
    "target_group": "กลุ่มเป้าหมาย",
    "months": "เดือนที่ดำเนินการ",
    "quarters": "แผนการใช้จ่ายรายไตรมาส",
}
LINE_FIELDS = {
    "activity": "กิจกรรม",
    "description": "รายการ",
    "formula": "สูตรคำนวณ",
    "amount": "จำนวนเงิน (บาท)",
    "category": "หมวดรายจ่าย",
    "fund": "แหล่งงบประมาณ",
}
INDICATOR_FIELDS = {
    "level": "ระดับผล",
    "text": "ตัวชี้วัด",
    "target": "ค่าเป้าหมาย",
    "method": "วิธีการประเมิน",
    "tool": "เครื่องมือ",
}
SECTIONS = {
    "activities": ("กิจกรรม", ACTIVITY_FIELDS, "title"),
    "lines": ("รายการงบประมาณ", LINE_FIELDS, "description"),
    "indicators": ("ตัวชี้วัด", INDICATOR_FIELDS, "text"),
}


def document_queryset():
    """Projects with every relation `document()` reads: 11 queries whatever the size."""
    return (
        Project.objects.select_related(
            "plan__fiscal_year", "plan__office", "strategy", "lead_unit", "programme"
        )
        .with_budget()
        .prefetch_related("co_units", "alignments", "items", "people", "indicators", "signatures")
    )


def load_document(pk: int) -> dict:
    return document(document_queryset().get(pk=pk))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ใช่" if value else "ไม่"
    if hasattr(value, "isoformat") and hasattr(value, "year"):
        return thai.format_thai_date(value, digits="arabic")
    return str(value)


def _money(value) -> str:
    return thai.format_money(value, zero="0.00")


def _header(project) -> list[dict]:
    rows = []
    for name in HEADER_FIELDS:
        field = Project._meta.get_field(name)
        if name in {"co_units", "alignments"}:
            value = ", ".join(str(o) for o in getattr(project, name).all())
        elif name == "project_type":
            value = project.get_project_type_display()
        elif name == "declared_total":
            value = _money(project.declared_total) if project.declared_total is not None else ""
        else:
            value = _text(getattr(project, name))
        rows.append({"key": name, "label": str(field.verbose_name), "value": value})
    return rows


def _ordered_activities(project) -> list[tuple[str, object]]:
    """(number, activity) depth first: "1", "1.1", "1.2", "2" … from prefetched rows."""
    return numbered(project.activities.all())


def numbered(activities) -> list[tuple[str, object]]:
    """(number, activity) depth first for any rows with pk, parent_id and order."""
    children: dict = {}
    for activity in activities:
        children.setdefault(activity.parent_id, []).append(activity)
    ordered: list[tuple[str, object]] = []

    def walk(parent_id, prefix: str) -> None:
        for index, activity in enumerate(
            sorted(children.get(parent_id, []), key=lambda a: (a.order, a.pk)), start=1
        ):
            ordered.append((f"{prefix}{index}", activity))
            walk(activity.pk, f"{prefix}{index}.")

    walk(None, "")
    return ordered


@in_thai  # stored and hashed: the same text whatever language the page was shown in
def document(project) -> dict:
    """The whole project document as JSON-able data, from prefetched rows (no queries)."""
    plan = project.plan
    titles = {}
    activities = []
    for number, activity in _ordered_activities(project):
        titles[activity.pk] = f"{number} {activity.title_th}"
        lines = [
            {
                "id": line.pk,
                "description": line.description_th,
                "formula": line.formula_text or line.formula_note_th,
                "amount": _money(line.amount),
                "category": line.category.name_th,
                "fund": line.fund_source.short_th or line.fund_source.name_th,
            }
            for line in activity.budget_lines.all()
        ]
        activities.append(
            {
                "id": activity.pk,
                "number": number,
                "title": activity.title_th,
                "parent": titles.get(activity.parent_id, ""),
                "steps": activity.steps,
                "period": activity.period_th,
                "location": activity.location_th,
                "responsible": activity.responsible_th,
                "target_group": activity.target_group_th,
                "months": sorted(activity.months),
                "quarters": [_money(q) for q in activity.quarter_amounts()],
                "total": _money(activity.budget_total()),
                "lines": lines,
            }
        )
    items: dict[str, list[str]] = {kind: [] for kind in ItemKind.values}
    for item in project.items.all():
        items.setdefault(item.kind, []).append(item.text_th)
    total = project.budget_total()
    signatures = {s.role: s for s in project.signatures.all()}
    return {
        "id": project.pk,
        "name_th": project.name_th,
        "status": project.status,
        "version": project.version,
        "office": plan.office.name_th,
        "fiscal_year": plan.fiscal_year.year_be,
        "header": _header(project),
        "items": [
            {"kind": kind, "label": str(ItemKind(kind).label), "texts": items.get(kind, [])}
            for kind in ItemKind.values
        ],
        "people": [{"name": p.name_th, "position": p.position_th} for p in project.people.all()],
        "activities": activities,
        "indicators": [
            {
                "id": k.pk,
                "level": k.get_result_level_display(),
                "text": k.text_th,
                "target": k.target_display,
                "method": k.method_th,
                "tool": k.tool_th,
            }
            for k in project.indicators.all()
        ],
        "totals": {
            "total": _money(total),
            "words": thai.bahttext(total),
            "categories": [[c.name_th, _money(v)] for c, v in project.totals_by_category().items()],
            "funds": [[s.name_th, _money(v)] for s, v in project.totals_by_fund_source().items()],
            "quarters": [_money(q) for q in project.quarter_totals()],
            "quarter_total": _money(project.quarter_plan_total()),
        },
        "allow_reallocation": project.allow_reallocation,
        "signatures": [
            {
                "role": role.value,
                "title": str(role.label),
                "name": signatures[role].name_th if role in signatures else "",
                "position": signatures[role].position_th if role in signatures else "",
                "signed_at": signatures[role].signed_at.isoformat()
                if role in signatures and signatures[role].signed_at
                else "",
            }
            for role in SignatureRole
        ],
    }


def digest(data: dict) -> str:
    """SHA-256 of canonical JSON: the identity of a frozen document."""
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


# --- Differences in Thai ---------------------------------------------------------------------


def _flat_rows(doc: dict | None) -> dict[str, dict[int, dict]]:
    if not doc:
        return {"activities": {}, "lines": {}, "indicators": {}}
    activities, lines = {}, {}
    for a in doc["activities"]:
        activities[a["id"]] = {
            "title": a["title"],
            "parent": a["parent"],
            "steps": "\n".join(a["steps"]),
            "period": a["period"],
            "location": a["location"],
            "responsible": a["responsible"],
            "target_group": a["target_group"],
            "months": " ".join(thai.MONTHS_ABBR[m] for _, m in _months(doc, a["months"])),
            "quarters": " / ".join(a["quarters"]),
        }
        for line in a["lines"]:
            lines[line["id"]] = {"activity": f"{a['number']} {a['title']}", **line}
            lines[line["id"]].pop("id")
    indicators = {k["id"]: {f: k[f] for f in INDICATOR_FIELDS} for k in doc["indicators"]}
    return {"activities": activities, "lines": lines, "indicators": indicators}


def _months(doc: dict, indexes: list[int]):
    months = thai.fiscal_months(doc["fiscal_year"])
    return [months[i - 1] for i in indexes if 1 <= i <= 12]


def diff(before: dict | None, after: dict | None) -> dict:
    """What changed between two documents: header fields, narrative items and rows, in Thai."""
    fields = []
    b_header = {h["key"]: h for h in (before or {}).get("header", [])}
    for h in (after or {}).get("header", []) or [{**h, "value": ""} for h in b_header.values()]:
        old = b_header.get(h["key"], {}).get("value", "")
        if old != h["value"]:
            fields.append({"label": h["label"], "before": old, "after": h["value"]})
    b_items = {i["kind"]: i["texts"] for i in (before or {}).get("items", [])}
    for item in (after or {}).get("items", []):
        if b_items.get(item["kind"], []) != item["texts"]:
            fields.append(
                {
                    "label": item["label"],
                    "before": "\n".join(b_items.get(item["kind"], [])),
                    "after": "\n".join(item["texts"]),
                }
            )
    people = [
        "\n".join(f"{p['name']} {p['position']}".strip() for p in (doc or {}).get("people", []))
        for doc in (before, after)
    ]
    if people[0] != people[1]:
        fields.append({"label": "ผู้รับผิดชอบโครงการ", "before": people[0], "after": people[1]})
    old_rows, new_rows = _flat_rows(before), _flat_rows(after)
    rows = []
    for section, (section_label, labels, name_key) in SECTIONS.items():
        old, new = old_rows[section], new_rows[section]
        for pk in sorted(set(old) | set(new), key=str):
            a, b = old.get(pk), new.get(pk)
            if a == b:
                continue
            changed = [
                {
                    "label": label,
                    "before": (a or {}).get(key, ""),
                    "after": (b or {}).get(key, ""),
                }
                for key, label in labels.items()
                if (a or {}).get(key, "") != (b or {}).get(key, "")
            ]
            op = "added" if a is None else "removed" if b is None else "changed"
            rows.append(
                {
                    "section": section_label,
                    "op": op,
                    "name": (b or a)[name_key],
                    "fields": changed,
                }
            )
    totals = [(doc or {}).get("totals", {}).get("total", "0.00") for doc in (before, after)]
    return {
        "fields": fields,
        "rows": rows,
        "total": {"before": totals[0], "after": totals[1]} if totals[0] != totals[1] else None,
    }


OP_LABELS = {"added": "เพิ่ม", "removed": "ลบ", "changed": "แก้ไข"}


def summarize(changes: dict) -> str:
    """One Thai line: "แก้ไข ชื่อโครงการ, วันเริ่มต้น · รายการงบประมาณ: เพิ่ม 2 ลบ 1 · …"."""
    parts = []
    if changes.get("fields"):
        parts.append("แก้ไข " + ", ".join(f["label"] for f in changes["fields"]))
    counts: dict[str, dict[str, int]] = {}
    for row in changes.get("rows", []):
        counts.setdefault(row["section"], {}).setdefault(row["op"], 0)
        counts[row["section"]][row["op"]] += 1
    for section, ops in counts.items():
        detail = " ".join(f"{OP_LABELS[op]} {n}" for op, n in ops.items())
        parts.append(f"{section}: {detail}")
    if changes.get("total"):
        parts.append(f"งบประมาณรวม {changes['total']['before']} → {changes['total']['after']} บาท")
    return " · ".join(parts) or "บันทึกโดยไม่มีการเปลี่ยนแปลงข้อมูล"


# --- Writing records -------------------------------------------------------------------------


def _actor_name(by) -> str:
    if by is None:
        return "ระบบ"
    return by.display_name


def event_for(
    project,
    *,
    by,
    action: str,
    summary_th: str,
    changes: dict | None = None,
    comment_th: str = "",
    from_status: str = "",
    to_status: str = "",
    version: int | None = None,
    at=None,
) -> ProjectEvent:
    """An unsaved audit record for one project (for bulk_create by bulk writers)."""
    return ProjectEvent(
        project=project,
        project_ref=project.pk,
        project_name_th=project.name_th[:500],
        office_id=project.plan.office_id,
        actor=by if by is not None and by.pk else None,
        actor_name_th=_actor_name(by),
        at=at or timezone.now(),
        action=action,
        from_status=from_status,
        to_status=to_status,
        version=version if version is not None else project.version,
        summary_th=summary_th,
        comment_th=comment_th,
        changes=changes or {},
        ip_address=_request_ip.get(),
    )


def record(project, **kwargs) -> ProjectEvent:
    """Write one audit record (call inside the service's transaction)."""
    event = event_for(project, **kwargs)
    event.save()
    return event


def record_change(project, *, by, before: dict | None, after: dict, action: str) -> ProjectEvent:
    """Record a save: the diff between two documents with a Thai summary."""
    changes = diff(before, after)
    summary = summarize(changes)
    if action == EventAction.CREATE:
        summary = f"สร้างโครงการ “{after['name_th']}” งบประมาณ {after['totals']['total']} บาท"
    elif action == EventAction.ADMIN:
        summary = f"ผ่านหน้าผู้ดูแลระบบ: {summary}"
    return record(
        project,
        by=by,
        action=action,
        summary_th=summary,
        changes=changes,
        version=after["version"],
    )


def record_bulk(
    projects: Iterable,
    *,
    by,
    action: str = EventAction.BULK,
    summary_th: str,
    details: dict | None = None,
    comment_th: str = "",
    at=None,
) -> list[ProjectEvent]:
    """One record per project for a bulk write or an import, in one INSERT.

    Import code calls this inside its own transaction with `action=EventAction.IMPORT` and
    details such as {"file_sha256": …, "rows": …, "batch": …}.
    """
    at = at or timezone.now()
    events = [
        event_for(
            p,
            by=by,
            action=action,
            summary_th=summary_th,
            changes=details,
            comment_th=comment_th,
            at=at,
        )
        for p in projects
    ]
    return ProjectEvent.objects.bulk_create(events)


@in_thai
def status_changes(from_status: str, to_status: str) -> dict:
    return {
        "fields": [
            {
                "label": "สถานะ",
                "before": str(ProjectStatus(from_status).label),
                "after": str(ProjectStatus(to_status).label),
            }
        ],
        "rows": [],
        "total": None,
    }
