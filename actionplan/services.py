"""Services for the plan-level domain: offices with their standard groups, the national
reference data (load_reference), each office's own policy frameworks and the plan's calendar."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Max

from actionplan import thai
from actionplan.i18n import thai_labels
from actionplan.models import (
    REFERENCE_KEY,
    FiscalYear,
    FrameworkKind,
    Office,
    OfficeFramework,
    OrgUnit,
    Plan,
    PolicyFramework,
    PolicyItem,
    Programme,
    Role,
    StandardGroup,
)


class DomainError(Exception):
    """A rule of the domain refused an action; the message is Thai and shown to the user."""


@transaction.atomic
def create_office(*, code: str, name_th: str, short_name_th: str, **fields) -> Office:
    """Create an office together with the ten standard groups of the MOE 2560 announcement."""
    office = Office.objects.create(
        code=code, name_th=name_th, short_name_th=short_name_th, **fields
    )
    ensure_standard_groups(office=office)
    return office


def ensure_standard_groups(*, office: Office) -> list[OrgUnit]:
    """Create whichever of the ten standard groups the office lacks (renamed ones are kept)."""
    existing = set(office.units.exclude(standard_code="").values_list("standard_code", flat=True))
    new_units = [
        OrgUnit(office=office, standard_code=code, name_th=label, sort_order=index)
        for index, (code, label) in enumerate(thai_labels(StandardGroup).items(), start=1)
        if code not in existing
    ]
    return OrgUnit.objects.bulk_create(new_units)


def get_fiscal_year(year_be: int) -> FiscalYear:
    """The fiscal year named year_be (BE), created on first use."""
    fiscal_year, _ = FiscalYear.objects.get_or_create(year_be=year_be)
    return fiscal_year


def end_sessions(*, user) -> int:
    """Log a user out everywhere: delete every live server-side session of theirs."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


# --- national reference data (docs/decisions/reference-data.md) ---------------------------------

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
SOURCE_REF = re.compile(r"^\[(000|001|002|003|004e):L\d+(-\d+)?\]$")
KEY = re.compile(REFERENCE_KEY.regex.pattern)


class ReferenceDataError(ValueError):
    """A reference data file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class ItemSpec:
    key: str
    code: str
    title_th: str
    children: tuple[ItemSpec, ...] = ()


@dataclass(frozen=True)
class FrameworkSpec:
    key: str
    kind: str
    title_th: str
    period_start_be: int | None
    period_end_be: int | None
    order: int
    items: tuple[ItemSpec, ...] = ()


@dataclass(frozen=True)
class ProgrammeSpec:
    key: str
    name_th: str
    period_start_be: int | None
    period_end_be: int | None


@dataclass
class ReferenceResult:
    """What one load did, per model: created, updated, deactivated, deleted, unchanged."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deactivated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or +self.deactivated or +self.deleted)


def read_reference(
    directory: Path = REFERENCE_DIR,
) -> tuple[list[FrameworkSpec], list[ProgrammeSpec]]:
    """Every framework and programme of the data files, checked (keys unique, kinds and years
    valid, a source line reference on every entry); the first mistake raises."""
    frameworks: list[FrameworkSpec] = []
    programmes: list[ProgrammeSpec] = []
    paths = sorted(Path(directory).glob("*.json"))
    if not paths:
        raise ReferenceDataError(f"ไม่พบไฟล์ข้อมูลอ้างอิงใน {directory}")
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ReferenceDataError(f"{path.name}: JSON ไม่ถูกต้อง ({exc})") from exc
        for entry in data.get("frameworks", []):
            frameworks.append(_framework_spec(path.name, entry))
        for entry in data.get("programmes", []):
            programmes.append(_programme_spec(path.name, entry))
    _unique(frameworks, "กรอบนโยบาย")
    _unique(programmes, "แผนงาน")
    return frameworks, programmes


def _unique(specs, what: str) -> None:
    seen = Counter(spec.key for spec in specs)
    twice = sorted(key for key, n in seen.items() if n > 1)
    if twice:
        raise ReferenceDataError(f"รหัส{what}ซ้ำ: {', '.join(twice)}")


def _check(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise ReferenceDataError(f"{where}: {message}")


def _common(where: str, entry: dict, text_field: str) -> tuple[str, str]:
    key = entry.get("key")
    _check(isinstance(key, str) and bool(KEY.match(key)), where, f"key ไม่ถูกต้อง: {key!r}")
    text = entry.get(text_field)
    _check(
        isinstance(text, str) and text.strip() == text and bool(text),
        where,
        f"{text_field} ว่างหรือมีช่องว่างหัวท้าย",
    )
    sources = entry.get("source")
    _check(
        isinstance(sources, list)
        and bool(sources)
        and all(isinstance(s, str) and SOURCE_REF.match(s) for s in sources),
        f"{where} {key}",
        "ต้องมี source อย่างน้อยหนึ่งรายการ รูปแบบ [003:L739]",
    )
    return key, text


def _years(where: str, entry: dict) -> tuple[int | None, int | None]:
    start, end = entry.get("period_start_be"), entry.get("period_end_be")
    for year in (start, end):
        _check(
            year is None or (isinstance(year, int) and 2400 <= year <= 2700),
            where,
            f"ปี {year!r} ไม่ถูกต้อง",
        )
    _check(start is None or end is None or start <= end, where, "ปีเริ่มต้องไม่หลังปีสิ้นสุด")
    return start, end


def _item_specs(where: str, entries: list, seen: set[str]) -> tuple[ItemSpec, ...]:
    specs = []
    for entry in entries:
        key, title = _common(where, entry, "title_th")
        _check(key not in seen, where, f"รหัสข้อซ้ำ: {key}")
        seen.add(key)
        code = entry.get("code", "")
        _check(isinstance(code, str) and len(code) <= 30, f"{where} {key}", "code ยาวเกิน 30 ตัวอักษร")
        children = _item_specs(where, entry.get("items", []), seen)
        specs.append(ItemSpec(key=key, code=code, title_th=title, children=children))
    return tuple(specs)


def _framework_spec(filename: str, entry: dict) -> FrameworkSpec:
    where = f"{filename} กรอบ {entry.get('key')!r}"
    key, title = _common(where, entry, "title_th")
    _check(len(title) <= 255, where, "title_th ยาวเกิน 255 ตัวอักษร")
    _check(entry.get("kind") in FrameworkKind.values, where, f"kind ไม่รู้จัก: {entry.get('kind')!r}")
    _check(
        entry["kind"] not in {FrameworkKind.ESA_POLICY, FrameworkKind.ESA_STANDARD},
        where,
        "นโยบาย/มาตรฐานของ สพท. เป็นของแต่ละสำนักงาน ไม่ใช่ข้อมูลระดับชาติ",
    )
    start, end = _years(where, entry)
    order = entry.get("order", 0)
    _check(isinstance(order, int) and 0 <= order <= 32767, where, "order ไม่ถูกต้อง")
    items = _item_specs(where, entry.get("items", []), set())
    return FrameworkSpec(key, entry["kind"], title, start, end, order, items)


def _programme_spec(filename: str, entry: dict) -> ProgrammeSpec:
    where = f"{filename} แผนงาน {entry.get('key')!r}"
    key, name = _common(where, entry, "name_th")
    _check(len(name) <= 255, where, "name_th ยาวเกิน 255 ตัวอักษร")
    start, end = _years(where, entry)
    return ProgrammeSpec(key, name, start, end)


@transaction.atomic
def load_reference(*, directory: Path = REFERENCE_DIR) -> ReferenceResult:
    """Create or update the national frameworks, their items and the national programmes from
    the data files, matched by key; running it again changes nothing. A row the files no longer
    have is deleted, or deactivated when a project links to it (its links are never lost)."""
    frameworks, programmes = read_reference(directory)
    result = ReferenceResult()
    existing = {f.key: f for f in PolicyFramework.objects.national().exclude(key="")}
    for spec in frameworks:
        framework = _upsert(
            PolicyFramework,
            existing.pop(spec.key, None),
            {
                "office_id": None,
                "key": spec.key,
                "kind": spec.kind,
                "title_th": spec.title_th,
                "period_start_be": spec.period_start_be,
                "period_end_be": spec.period_end_be,
                "order": spec.order,
                "is_active": True,
            },
            result,
        )
        _load_items(framework, spec.items, result)
    for framework in existing.values():
        _retire_framework(framework, result)

    existing_programmes = {
        p.key: p for p in Programme.objects.filter(office__isnull=True).exclude(key="")
    }
    for spec in programmes:
        _upsert(
            Programme,
            existing_programmes.pop(spec.key, None),
            {
                "office_id": None,
                "key": spec.key,
                "name_th": spec.name_th,
                "period_start_be": spec.period_start_be,
                "period_end_be": spec.period_end_be,
                "is_active": True,
            },
            result,
        )
    for programme in existing_programmes.values():
        _retire(programme, programme.project_set.exists(), result)
    return result


def _upsert(model, obj, values: dict, result: ReferenceResult):
    """Create the row, or write only the fields that differ (an unchanged row is not saved)."""
    label = model._meta.label
    if obj is None:
        obj = model.objects.create(**values)
        result.created[label] += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        result.unchanged[label] += 1
        return obj
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=[name.removesuffix("_id") for name in changed])
    result.updated[label] += 1
    return obj


def _load_items(framework: PolicyFramework, specs: tuple[ItemSpec, ...], result) -> None:
    existing = {item.key: item for item in framework.items.exclude(key="")}

    def walk(specs: tuple[ItemSpec, ...], parent: PolicyItem | None) -> None:
        for order, spec in enumerate(specs, start=1):
            item = _upsert(
                PolicyItem,
                existing.pop(spec.key, None),
                {
                    "framework_id": framework.pk,
                    "parent_id": parent.pk if parent else None,
                    "key": spec.key,
                    "code": spec.code,
                    "title_th": spec.title_th,
                    "order": order,
                    "is_active": True,
                },
                result,
            )
            walk(spec.children, item)

    walk(specs, None)
    _retire_items(list(existing.values()), result)


def _retire_items(items: list[PolicyItem], result: ReferenceResult) -> None:
    """Deepest first: an item goes when nothing links to it and no child of it is left."""
    if not items:
        return
    parents = dict(
        PolicyItem.objects.filter(framework_id=items[0].framework_id).values_list("pk", "parent_id")
    )

    def depth(pk) -> int:
        n = 0
        while parents.get(pk):
            pk, n = parents[pk], n + 1
        return n

    for item in sorted(items, key=lambda i: depth(i.pk), reverse=True):
        kept = item.projects.exists() or PolicyItem.objects.filter(parent=item).exists()
        _retire(item, kept, result)


def _retire_framework(framework: PolicyFramework, result: ReferenceResult) -> None:
    linked = PolicyItem.objects.filter(framework=framework, projects__isnull=False).exists()
    _retire(framework, linked, result)


def _retire(obj, linked: bool, result: ReferenceResult) -> None:
    label = obj._meta.label
    if not linked:
        obj.delete()
        result.deleted[label] += 1
    elif obj.is_active:
        obj.is_active = False
        obj.save(update_fields=["is_active"])
        result.deactivated[label] += 1
    else:
        result.unchanged[label] += 1


# --- an office's own frameworks (the /reference/ pages) -----------------------------------------

OWN_KINDS = (FrameworkKind.ESA_POLICY, FrameworkKind.ESA_STANDARD)


@transaction.atomic
def set_followed_frameworks(*, office: Office, followed: set[int]) -> int:
    """Record which national frameworks the office follows (the rest it does not); returns how
    many flags changed."""
    changed = 0
    links = {link.framework_id: link for link in office.framework_links.all()}
    for framework in PolicyFramework.objects.national():
        follows = framework.pk in followed
        link = links.get(framework.pk)
        if link is None:
            if not follows:
                OfficeFramework.objects.create(office=office, framework=framework, follows=False)
                changed += 1
        elif link.follows != follows:
            link.follows = follows
            link.save(update_fields=["follows"])
            changed += 1
    return changed


def item_is_linked(item: PolicyItem) -> bool:
    """Whether a project links to the item or to an item under it."""
    pending = [item.pk]
    while pending:
        if PolicyItem.objects.filter(pk__in=pending, projects__isnull=False).exists():
            return True
        pending = list(
            PolicyItem.objects.filter(parent_id__in=pending).values_list("pk", flat=True)
        )
    return False


def item_delete_refusal(item: PolicyItem) -> str | None:
    """Why the item may not be deleted (None: it may)."""
    if item.framework.office_id is None:
        return "ข้อของกรอบนโยบายระดับชาติแก้ไขไม่ได้"
    if item_is_linked(item):
        return "ลบไม่ได้: มีโครงการสนองข้อนี้หรือข้อย่อยของข้อนี้อยู่"
    return None


def framework_delete_refusal(framework: PolicyFramework) -> str | None:
    """Why the framework may not be deleted (None: it may)."""
    if framework.office_id is None:
        return "กรอบนโยบายระดับชาติลบไม่ได้"
    if PolicyItem.objects.filter(framework=framework, projects__isnull=False).exists():
        return "ลบไม่ได้: มีโครงการสนองข้อของกรอบนี้อยู่ ปิดการใช้งานแทนได้"
    return None


@transaction.atomic
def delete_policy_item(*, item: PolicyItem) -> None:
    """Delete an office's own item with everything under it, unless a project links to it."""
    refusal = item_delete_refusal(item)
    if refusal:
        raise DomainError(refusal)
    item.delete()


@transaction.atomic
def delete_own_framework(*, framework: PolicyFramework) -> None:
    """Delete an office's own framework, unless a project links to one of its items."""
    refusal = framework_delete_refusal(framework)
    if refusal:
        raise DomainError(refusal)
    framework.delete()


def next_item_order(framework: PolicyFramework, parent: PolicyItem | None) -> int:
    last = framework.items.filter(parent=parent).aggregate(n=Max("order"))["n"]
    return (last or 0) + 1


@transaction.atomic
def move_policy_item(*, item: PolicyItem, up: bool) -> bool:
    """Swap the item with its previous (or next) sibling; False when it is already first (last).
    Siblings are renumbered 1..n first, so equal orders never make a move a no-op."""
    siblings = list(
        PolicyItem.objects.select_for_update()
        .filter(framework_id=item.framework_id, parent_id=item.parent_id)
        .order_by("order", "pk")
    )
    index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for order, sibling in enumerate(siblings, start=1):
        if sibling.order != order:
            sibling.order = order
            sibling.save(update_fields=["order"])
    return True


@transaction.atomic
def copy_own_frameworks(*, office: Office, from_year: int, to_year: int) -> list[PolicyFramework]:
    """Copy the office's own frameworks of one fiscal year, items and tree included, to another
    year (each copy valid for that year alone). A framework already copied to that year, or
    already valid in it, is skipped, so copying twice creates nothing twice."""
    if from_year == to_year:
        raise DomainError("ปีต้นทางและปีปลายทางต้องต่างกัน")
    sources = (
        PolicyFramework.objects.filter(office=office, kind__in=OWN_KINDS)
        .applies_to(from_year)
        .order_by("order", "pk")
    )
    copies = []
    for source in sources:
        if source.applies_to(to_year) or source.copies.applies_to(to_year).exists():
            continue
        copy = PolicyFramework.objects.create(
            office=office,
            kind=source.kind,
            title_th=_retitle(source.title_th, from_year, to_year),
            period_start_be=to_year,
            period_end_be=to_year,
            order=source.order,
            is_active=source.is_active,
            copied_from=source,
        )
        _copy_items(source, copy)
        copies.append(copy)
    return copies


def _retitle(title: str, from_year: int, to_year: int) -> str:
    """A year named in the title follows the copy ("… พ.ศ. 2567" -> "… พ.ศ. 2568"), in either
    digit style."""
    for old, new in (
        (str(from_year), str(to_year)),
        (thai.to_thai_digits(str(from_year)), thai.to_thai_digits(str(to_year))),
    ):
        title = title.replace(old, new)
    return title


def _copy_items(source: PolicyFramework, copy: PolicyFramework) -> None:
    new_pk: dict[int, int] = {}
    # Parents before children: walk the tree level by level.
    level = list(source.items.filter(parent__isnull=True).order_by("order", "pk"))
    while level:
        for item in level:
            clone = PolicyItem.objects.create(
                framework=copy,
                parent_id=new_pk.get(item.parent_id),
                key=item.key,
                code=item.code,
                title_th=item.title_th,
                order=item.order,
                is_active=item.is_active,
            )
            new_pk[item.pk] = clone.pk
        level = list(
            source.items.filter(parent_id__in=[i.pk for i in level]).order_by("order", "pk")
        )


PLAN_EDITORS = {Role.PLAN_ADMIN, Role.SYSADMIN}


@transaction.atomic
def set_plan_calendar(*, plan: Plan, rows: list[dict], by) -> Plan:
    """The plan administrator sets the plan's calendar (ปฏิทินการดำเนินงาน, Part 4 of the book):
    rows of {"title", "months"}, months of the fiscal year 1 (ต.ค.) … 12 (ก.ย.)."""
    if by.role not in PLAN_EDITORS or by.office_id != plan.office_id:
        raise DomainError("เฉพาะผู้ดูแลแผนของสำนักงานเท่านั้นที่แก้ไขปฏิทินการดำเนินงานได้")
    cleaned = []
    for row in rows:
        title = " ".join(str(row.get("title", "")).split())
        months = sorted({int(m) for m in row.get("months") or [] if 1 <= int(m) <= 12})
        if not title:
            raise DomainError("ทุกแถวของปฏิทินต้องมีชื่อรายการ")
        cleaned.append({"title": title, "months": months})
    plan.calendar_rows = cleaned
    plan.save(update_fields=["calendar_rows"])
    return plan
