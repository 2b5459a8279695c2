"""The narrative of a project as the template's sheets give it (issue 16): programme, co-groups,
policy alignments (สนอง), place, rationale, target groups, reallocation, objectives / targets /
expected results and the responsible people. Only what the file has columns or rows for is
planned; the rest of the project is left as it is. Used by imports.planning.Planner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actionplan.i18n import thai_labels
from actionplan.models import Programme
from imports.cells import long_text, squash, text
from imports.choices import ITEM_KIND_SYNONYMS, PERSON_ROLE_SYNONYMS, YES_NO, Choices
from imports.planned import (
    PlannedItem,
    PlannedPerson,
    PlannedProject,
    items_signature,
    items_signature_from_db,
    people_signature,
    people_signature_from_db,
)
from imports.records import ProjectIn
from projects.models import ItemKind, Project, ProjectPersonRole

if TYPE_CHECKING:
    from imports.planning import Planner

ITEM_KINDS = Choices.of(ItemKind, ITEM_KIND_SYNONYMS)
PERSON_ROLES = Choices.of(ProjectPersonRole, PERSON_ROLE_SYNONYMS)
_TEXT_FIELDS = {"location_th": 10_000, "rationale_th": 50_000, "target_groups_th": 10_000}


def alignment_label(item) -> str:
    """How a policy item is written in the file, as the project page shows it."""
    return f"{item.framework.title_th}: {item}"


def _alignments(planner: Planner) -> Choices:
    if planner.alignment_choices is None:
        planner.alignment_choices = Choices(
            (
                item.pk,
                [alignment_label(item), str(item), f"{item.framework.title_th}: {item.title_th}"],
            )
            for item in planner.ctx.policy_items
        )
    return planner.alignment_choices


def plan(planner: Planner, incoming: ProjectIn, planned: PlannedProject) -> None:
    fields, header = incoming.fields, planned.header
    for key, limit in _TEXT_FIELDS.items():
        if key in fields:
            header[key] = fields[key][:limit]
    raw = fields.get("allow_reallocation")
    if raw:
        value = YES_NO.find(raw)
        if value is None:
            planner.error(incoming.at("allow_reallocation"), f"“{raw}” ต้องเป็น ใช่ หรือ ไม่")
        else:
            header["allow_reallocation"] = value
    if "programme" in fields:
        header["programme"] = _programme(planner, incoming)
    if "co_units" in fields:
        units = [planner.unit(raw, incoming.at("co_units")) for raw in fields["co_units"]]
        if None not in units:
            planned.co_units = sorted(set(units) - {planned.unit_id})
    if "alignments" in fields:
        found = []
        for raw in fields["alignments"]:
            pk = _alignments(planner).find(raw)
            if pk is None:
                planner.warn(
                    incoming.at("alignments"),
                    f"ไม่พบข้อนโยบาย “{raw[:80]}” ในระบบของสำนักงาน "
                    "จึงไม่ได้เปลี่ยนความสอดคล้อง (สนอง) ของโครงการนี้",
                )
                break
            found.append(pk)
        else:
            planned.alignments = sorted(set(found))
    if incoming.items is not None:
        planned.items = _items(planner, incoming)
    if incoming.people is not None:
        planned.people = _people(planner, incoming, planned)


def _programme(planner: Planner, incoming: ProjectIn):
    name = incoming.fields["programme"]
    if not name:
        return None
    known = planner.programme_choices
    if known is None:
        known = planner.programme_choices = Choices(
            (p, [p.name_th]) for p in planner.ctx.programmes
        )
    found = known.find(name)
    if found is not None:
        return found
    new = planner.result.new_programmes
    key = squash(name)
    if key not in new:
        new[key] = Programme(office=planner.ctx.office, name_th=name[:255])
        planner.warn(incoming.at("programme"), f"ยังไม่มีแผนงาน “{name[:80]}” ในระบบ จะเพิ่มให้เมื่อนำเข้า")
    return new[key]


def _items(planner: Planner, incoming: ProjectIn) -> list[PlannedItem]:
    by_kind: dict[str, list] = {}
    for n, item in enumerate(incoming.items):
        kind = ITEM_KINDS.find(item.kind_raw) if item.kind_raw else None
        if kind is None:
            planner.error(
                item.kind_loc or item.loc,
                f"ไม่รู้จักหัวข้อ “{item.kind_raw}” (ใช้ได้: {', '.join(thai_labels(ItemKind).values())})",
            )
            continue
        by_kind.setdefault(kind, []).append((item.order or 0, n, item.text))
    return [
        PlannedItem(kind, position, body)
        for kind, rows in by_kind.items()
        for position, (_, _, body) in enumerate(sorted(rows), start=1)
    ]


def _people(planner: Planner, incoming: ProjectIn, planned: PlannedProject) -> list[PlannedPerson]:
    known = {}
    if planned.existing is not None:
        known = {squash(p.name_th): p.person_id for p in planned.existing.people.all()}
    rows = []
    for n, person in enumerate(incoming.people):
        role = PERSON_ROLES.find(person.role_raw) if person.role_raw else "responsible"
        if role is None:
            planner.error(
                person.role_loc or person.loc,
                f"ไม่รู้จักบทบาท “{person.role_raw}” "
                f"(ใช้ได้: {', '.join(thai_labels(ProjectPersonRole).values())})",
            )
            continue
        key = squash(person.name)
        rows.append(
            (
                person.order or 0,
                n,
                PlannedPerson(
                    0,
                    role,
                    person.name[:255],
                    person.position[:255],
                    known.get(key) or planner.ctx.people.get(key),
                ),
            )
        )
    people = [p for _, _, p in sorted(rows, key=lambda r: r[:2])]
    for position, person in enumerate(people, start=1):
        person.order = position
    return people


def same_header_value(existing: Project, key: str, value) -> bool:
    if key == "programme":
        return (
            value is None
            and existing.programme_id is None
            or (value is not None and value.pk is not None and value.pk == existing.programme_id)
        )
    current = getattr(existing, key)
    if key in _TEXT_FIELDS:
        return long_text(current) == long_text(value)
    if key == "code":
        return text(current) == text(value)
    return current == value


def changes(planned: PlannedProject) -> list[str]:
    """What of the narrative differs from the project; what does not is not rewritten."""
    existing, found = planned.existing, []
    if planned.co_units is not None:
        if sorted(u.pk for u in existing.co_units.all()) != planned.co_units:
            found.append(Project._meta.get_field("co_units").verbose_name)
        else:
            planned.co_units = None
    if planned.alignments is not None:
        if sorted(a.pk for a in existing.alignments.all()) != planned.alignments:
            found.append(Project._meta.get_field("alignments").verbose_name)
        else:
            planned.alignments = None
    if planned.items is not None:
        if items_signature_from_db(existing) != items_signature(planned.items):
            found.append("วัตถุประสงค์/เป้าหมาย/ผลที่คาดว่าจะได้รับ")
        else:
            planned.items = None
    if planned.people is not None:
        if people_signature_from_db(existing) != people_signature(planned.people):
            found.append("ผู้รับผิดชอบโครงการ")
        else:
            planned.people = None
    return found
