"""Staff accounts from a spreadsheet: the template, and reading a filled one into accounts to
create, every mistake located at its sheet, row and column as Excel shows them.

The file passes actionplan.workbooks' checks (size, zip bomb, macros) and is streamed by
imports.reader within its row and column caps, before a cell is read here.

The file's words (sheet names, column headers, role names, the help sheet) are Thai whatever
the page language; what the preview says about a row is in the page's language.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from actionplan.admin import manageable_roles
from actionplan.i18n import thai_labels
from actionplan.models import Office, OrgUnit, Role, User
from actionplan.workbooks import CheckedFile, RejectedFile
from imports import reader
from imports.cells import squash, text
from imports.records import Issue, Loc
from imports.resolve import GroupMatcher
from setup.services import GROUP_ROLES, StaffData

SHEET = "บุคลากร"
HELP_SHEET = "คำอธิบาย"
COLUMNS = ["ชื่อ-สกุล", "ตำแหน่ง", "กลุ่ม", "บทบาท", "อีเมล", "ชื่อผู้ใช้"]
REQUIRED = {"ชื่อ-สกุล", "ชื่อผู้ใช้"}
MAX_STAFF_ROWS = 1000  # an office has a few hundred staff at most
_HEADER_SEARCH_ROWS = 10

# Longest first: "นางสาว" before "นาง".
PREFIXES = sorted(
    [
        "นาย",
        "นาง",
        "นางสาว",
        "น.ส.",
        "ดร.",
        "ว่าที่ร้อยตรี",
        "ว่าที่ร้อยตรีหญิง",
        "ว่าที่ ร.ต.",
        "ว่าที่ร.ต.",
        "ว่าที่ ร.ต.หญิง",
        "ผศ.",
        "รศ.",
        "ศ.",
    ],
    key=len,
    reverse=True,
)

# Short names people write for the roles, besides the full labels and the codes.
ROLE_WORDS = {
    "ผู้จัดทำโครงการ": Role.PLANNER,
    "เจ้าหน้าที่": Role.PLANNER,
    "เจ้าหน้าที่กลุ่ม": Role.PLANNER,
    "บุคลากร": Role.PLANNER,
    "ผอ.กลุ่ม": Role.GROUP_DIRECTOR,
    "ผู้อำนวยการกลุ่ม": Role.GROUP_DIRECTOR,
    "ผู้อำนวยการหน่วย": Role.GROUP_DIRECTOR,
    "รองผู้อำนวยการ": Role.DEPUTY_DIRECTOR,
    "รอง ผอ.": Role.DEPUTY_DIRECTOR,
    "รองผอ.สพท.": Role.DEPUTY_DIRECTOR,
    "ผู้อำนวยการสำนักงาน": Role.DIRECTOR,
    "ผอ.สพท.": Role.DIRECTOR,
    "ผู้ดูแลแผน": Role.PLAN_ADMIN,
}


def split_name(full: str) -> tuple[str, str, str]:
    """ "นางสาวศินัญญา ศรีเกตุ" -> ("นางสาว", "ศินัญญา", "ศรีเกตุ"); the last name may hold spaces
    ("ณ พัทลุง")."""
    rest = " ".join(full.split())
    prefix = ""
    for candidate in PREFIXES:
        if rest.startswith(candidate) and len(rest) > len(candidate):
            prefix, rest = candidate, rest[len(candidate) :].lstrip()
            break
    first, _, last = rest.partition(" ")
    return prefix, first, last.strip()


def role_words() -> dict[str, str]:
    """{matching key: role} for the labels, the codes and the short names of the roles."""
    words = {squash(label): value for value, label in thai_labels(Role).items()}
    words.update({squash(value): value for value in Role.values})
    words.update({squash(word): role for word, role in ROLE_WORDS.items()})
    return words


# --- the template -------------------------------------------------------------------------------


def template_workbook(office: Office, by: User) -> bytes:
    """The staff sheet with its header, and a help sheet listing the office's active groups
    and the roles `by` may give (both offered as drop-down lists in the staff sheet)."""
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = SHEET
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (30, 34, 40, 30, 28, 18), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"

    help_ws = wb.create_sheet(HELP_SHEET)
    groups = [u.name_th for u in OrgUnit.objects.filter(office=office, is_active=True)]
    labels = thai_labels(Role)
    roles = [labels[r] for r in manageable_roles(by)]
    help_ws.append(["กลุ่มของสำนักงาน", "บทบาทที่กำหนดได้", "คำอธิบาย"])
    notes = [
        "ชื่อ-สกุล และชื่อผู้ใช้ ต้องกรอกทุกแถว",
        "ชื่อ-สกุล ขึ้นต้นด้วยคำนำหน้า เช่น นางสาวศินัญญา ศรีเกตุ",
        "ชื่อผู้ใช้ ใช้ตัวอักษรอังกฤษ ตัวเลข และ . _ - @ + ไม่ซ้ำกับผู้อื่น",
        "บทบาทว่าง = ผู้จัดทำโครงการ ผู้จัดทำโครงการและผู้อำนวยการกลุ่มต้องระบุกลุ่ม",
        "ระบบสร้างรหัสผ่านครั้งแรกให้ และแสดงเพียงครั้งเดียวหลังนำเข้า",
    ]
    for i in range(max(len(groups), len(roles), len(notes))):
        help_ws.append(
            [
                groups[i] if i < len(groups) else None,
                roles[i] if i < len(roles) else None,
                notes[i] if i < len(notes) else None,
            ]
        )
    for cell in help_ws[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABC", (48, 40, 70), strict=True):
        help_ws.column_dimensions[letter].width = width
    if groups:
        ws.add_data_validation(
            _choice(f"'{HELP_SHEET}'!$A$2:$A${len(groups) + 1}", f"C2:C{MAX_STAFF_ROWS + 1}")
        )
    if roles:
        ws.add_data_validation(
            _choice(f"'{HELP_SHEET}'!$B$2:$B${len(roles) + 1}", f"D2:D{MAX_STAFF_ROWS + 1}")
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _choice(source: str, cells: str) -> DataValidation:
    validation = DataValidation(type="list", formula1=source, allow_blank=True)
    validation.showErrorMessage = False  # a drop-down to help, not a lock: the import checks
    validation.add(cells)
    return validation


# --- reading ------------------------------------------------------------------------------------


@dataclass
class StaffRow:
    """One account the file asks for, with where it is in the file."""

    sheet: str
    row: int
    prefix_th: str
    first_name_th: str
    last_name_th: str
    position_th: str
    unit_id: int | None
    unit_name: str
    role: str
    role_label: str
    email: str
    username: str

    def as_json(self) -> dict:
        return asdict(self)

    @property
    def full_name(self) -> str:
        return f"{self.prefix_th}{self.first_name_th} {self.last_name_th}".strip()

    def to_data(self, units: dict[int, OrgUnit]) -> StaffData:
        return StaffData(
            username=self.username,
            prefix_th=self.prefix_th,
            first_name_th=self.first_name_th,
            last_name_th=self.last_name_th,
            position_th=self.position_th,
            org_unit=units.get(self.unit_id) if self.unit_id else None,
            role=self.role,
            email=self.email,
        )


@dataclass
class StaffPreview:
    """What a staff file would create, and every error that stops it."""

    rows: list[StaffRow] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


def _header_columns(values: list) -> dict[str, int]:
    wanted = {squash(c): c for c in COLUMNS}
    found = {}
    for index, value in enumerate(values):
        key = squash(text(value))
        if key in wanted and wanted[key] not in found:
            found[wanted[key]] = index
    return found


def read_staff(checked: CheckedFile, *, office: Office, by: User) -> StaffPreview:
    """Read a checked staff file into the accounts it would create (nothing is written)."""
    preview = StaffPreview()
    with reader.open_sheets(checked.data, checked.kind) as sheets:
        for sheet in sheets:
            if _read_sheet(sheet, office=office, by=by, preview=preview):
                break
        else:
            preview.errors.append(
                Issue(
                    Loc(),
                    gettext(
                        "ไม่พบแถวหัวตารางที่มีคอลัมน์ “%(name)s” และ “%(username)s” "
                        "กรุณาใช้ไฟล์แบบฟอร์มที่ดาวน์โหลดจากหน้านี้"
                    )
                    % {"name": "ชื่อ-สกุล", "username": "ชื่อผู้ใช้"},
                ),
            )
    if not preview.rows and not preview.errors:
        preview.errors.append(Issue(Loc(), gettext("ไม่มีรายชื่อบุคลากรในไฟล์")))
    return preview


def _read_sheet(sheet: reader.RawSheet, *, office: Office, by: User, preview: StaffPreview) -> bool:
    """Read one sheet if it has the staff header (within its first rows); False otherwise."""
    columns: dict[str, int] | None = None
    rows = iter(sheet.rows)
    for excel_row, values in rows:
        if excel_row > _HEADER_SEARCH_ROWS:
            return False
        found = _header_columns(values)
        if REQUIRED <= set(found):
            columns = found
            header_row = excel_row
            break
    if columns is None:
        return False
    context = _Context(office, by)
    count = 0
    for excel_row, values in rows:
        if excel_row <= header_row:
            continue
        cells = {name: text(values[i]) if i < len(values) else "" for name, i in columns.items()}
        if not any(cells.values()):
            continue
        count += 1
        if count > MAX_STAFF_ROWS:
            raise RejectedFile(
                gettext("ไฟล์มีรายชื่อเกิน %(max)s คน กรุณาแบ่งเป็นหลายไฟล์")
                % {"max": f"{MAX_STAFF_ROWS:,}"}
            )
        row = context.read_row(sheet.name, excel_row, cells, columns, preview.errors)
        if row is not None:
            preview.rows.append(row)
    context.check_directors(preview)
    return True


class _Context:
    """What every row is checked against, loaded once per file (never a query per row)."""

    def __init__(self, office: Office, by: User):
        self.units = list(OrgUnit.objects.filter(office=office, is_active=True))
        self.matcher = GroupMatcher(self.units, {})
        self.names = {u.pk: u.name_th for u in self.units}
        self.roles = role_words()
        self.labels = thai_labels(Role)
        self.allowed = set(manageable_roles(by))
        # Usernames are unique across offices; compared case-insensitively, as logins are typed.
        self.taken = {u.lower() for u in User.objects.values_list("username", flat=True)}
        self.seen: dict[str, int] = {}
        self.directors = {
            u.org_unit_id: u.display_name
            for u in User.objects.filter(
                office=office, role=Role.GROUP_DIRECTOR, is_active=True, org_unit__isnull=False
            ).select_related("person")
        }

    def read_row(self, sheet, excel_row, cells, columns, errors) -> StaffRow | None:
        failed = False

        def error(column: str, message: str) -> None:
            nonlocal failed
            failed = True
            errors.append(Issue(Loc.at(sheet, excel_row, columns.get(column)), message))

        prefix, first, last = split_name(cells.get("ชื่อ-สกุล", ""))
        if not first:
            error("ชื่อ-สกุล", gettext("ต้องกรอกชื่อ-สกุล"))
        elif len(first) > 100 or len(last) > 100:
            error("ชื่อ-สกุล", gettext("ชื่อหรือนามสกุลยาวเกิน 100 ตัวอักษร"))
        position = cells.get("ตำแหน่ง", "")
        if len(position) > 255:
            error("ตำแหน่ง", gettext("ตำแหน่งยาวเกิน 255 ตัวอักษร"))

        role = Role.PLANNER
        raw_role = cells.get("บทบาท", "")
        if raw_role:
            role = self.roles.get(squash(raw_role))
            if role is None:
                error(
                    "บทบาท",
                    gettext("ไม่รู้จักบทบาท “%(role)s” (ดูรายการในชีต “%(sheet)s”)")
                    % {"role": raw_role, "sheet": HELP_SHEET},
                )
            elif role not in self.allowed:
                error(
                    "บทบาท",
                    gettext("ท่านกำหนดบทบาท “%(role)s” ไม่ได้ (ได้ไม่เกินบทบาทของท่านเอง)")
                    % {"role": self.labels[role]},
                )

        unit_id = None
        raw_unit = cells.get("กลุ่ม", "")
        if raw_unit:
            match = self.matcher.match(raw_unit)
            unit_id = match.unit_id
            if unit_id is None and match.suggested:
                error(
                    "กลุ่ม",
                    gettext("ไม่พบกลุ่ม “%(group)s” ในสำนักงาน หมายถึง “%(suggested)s” หรือไม่")
                    % {"group": raw_unit, "suggested": self.names[match.suggested]},
                )
            elif unit_id is None:
                error("กลุ่ม", gettext("ไม่พบกลุ่ม “%(group)s” ในสำนักงาน") % {"group": raw_unit})
        elif role in GROUP_ROLES:
            error("กลุ่ม", gettext("ผู้จัดทำโครงการและผู้อำนวยการกลุ่มต้องระบุกลุ่ม"))

        email = cells.get("อีเมล", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                error("อีเมล", gettext("อีเมล “%(email)s” ไม่ถูกต้อง") % {"email": email})

        username = cells.get("ชื่อผู้ใช้", "")
        key = username.lower()
        if not username:
            error("ชื่อผู้ใช้", gettext("ต้องกรอกชื่อผู้ใช้"))
        elif not _valid_username(username):
            error(
                "ชื่อผู้ใช้",
                gettext("ชื่อผู้ใช้ใช้ได้เฉพาะตัวอักษรอังกฤษ ตัวเลข และ . _ - @ + (ไม่เกิน 150 ตัว)"),
            )
        elif key in self.taken:
            error(
                "ชื่อผู้ใช้",
                gettext("ชื่อผู้ใช้ “%(username)s” มีผู้ใช้แล้ว") % {"username": username},
            )
        elif key in self.seen:
            error(
                "ชื่อผู้ใช้",
                gettext("ชื่อผู้ใช้ “%(username)s” ซ้ำกับแถว %(row)s")
                % {"username": username, "row": self.seen[key]},
            )
        if username and key not in self.seen:
            self.seen[key] = excel_row

        if failed:
            return None
        return StaffRow(
            sheet=sheet,
            row=excel_row,
            prefix_th=prefix,
            first_name_th=first,
            last_name_th=last,
            position_th=position,
            unit_id=unit_id,
            unit_name=self.names.get(unit_id, "") if unit_id else "",
            role=role,
            role_label=self.labels[role],
            email=email,
            username=username,
        )

    def check_directors(self, preview: StaffPreview) -> None:
        """One group director per group: not two in the file, none over an existing one."""
        first_row: dict[int, StaffRow] = {}
        for row in list(preview.rows):
            if row.role != Role.GROUP_DIRECTOR:
                continue
            where = Loc.at(row.sheet, row.row, None)
            if row.unit_id in self.directors:
                preview.errors.append(
                    Issue(
                        where,
                        gettext(
                            "%(group)s มีผู้อำนวยการกลุ่มแล้ว (%(person)s) เปลี่ยนผู้อำนวยการกลุ่มได้ที่หน้ากลุ่ม"
                        )
                        % {"group": row.unit_name, "person": self.directors[row.unit_id]},
                    )
                )
            elif row.unit_id in first_row:
                preview.errors.append(
                    Issue(
                        where,
                        gettext("%(group)s มีผู้อำนวยการกลุ่มในไฟล์แล้วที่แถว %(row)s")
                        % {"group": row.unit_name, "row": first_row[row.unit_id].row},
                    )
                )
            else:
                first_row[row.unit_id] = row


def _valid_username(username: str) -> bool:
    validator = User.username_validator
    if len(username) > 150:
        return False
    try:
        validator(username)
    except ValidationError:
        return False
    return username.isascii()


def rows_from_json(data: list[dict]) -> list[StaffRow]:
    return [StaffRow(**item) for item in data]
