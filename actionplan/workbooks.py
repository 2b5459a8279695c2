"""Workbooks, for every app that reads or writes one (imports, the admin's import-export, the
monitoring .xlsx): what an uploaded file may be before anything parses it (size, zip bomb,
entries, rows, columns) and formula-like text written as text (cells and CSV).

Checks an upload must pass before any parser sees it (quality.md §2.4, FI-1 … FI-5).

An .xlsx is a zip: its central directory states every entry's compressed and uncompressed size,
so a bomb is refused from those few hundred bytes, before anything is inflated."""

from __future__ import annotations

import hashlib
import io
import zipfile
from codecs import BOM_UTF16_BE, BOM_UTF16_LE
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

MAX_BYTES = 10 * 1024 * 1024  # upload size (FI-1)
MAX_UNCOMPRESSED = 50 * 1024 * 1024  # all zip entries together (FI-2)
MAX_RATIO = 100  # per entry, uncompressed : compressed
RATIO_FLOOR = 256 * 1024  # entries smaller than this cannot bomb, whatever their ratio
MAX_ENTRIES = 200
MAX_ROWS = 20_000  # per sheet, enforced while streaming (FI-5)
MAX_COLUMNS = 60

_SPREADSHEET_MAIN = b"spreadsheetml.sheet.main+xml"


class RejectedFile(Exception):
    """The file is refused as a whole; the message is Thai and shown to the user."""


@dataclass(frozen=True)
class CheckedFile:
    name: str
    data: bytes
    kind: str  # "xlsx", "csv" or "docx"
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_file(name: str, data: bytes) -> CheckedFile:
    """Accept an .xlsx, .csv or .docx within the limits, or raise RejectedFile with a Thai reason."""
    kind = check_file_name(name)
    if len(data) > MAX_BYTES:
        raise RejectedFile(f"ไฟล์ใหญ่เกิน {MAX_BYTES // (1024 * 1024)} MB")
    if not data:
        raise RejectedFile("ไฟล์ว่างเปล่า")
    if kind == "xlsx":
        check_xlsx_container(data)
    elif kind == "docx":
        check_docx_container(data)
    elif data[:4] == b"PK\x03\x04" or (
        b"\x00" in data[:4096] and not data.startswith((BOM_UTF16_LE, BOM_UTF16_BE))
    ):  # UTF-16 text (Excel's "Unicode Text") has NULs; anything else with them is not text
        raise RejectedFile("ไฟล์ .csv นี้ไม่ใช่ข้อความ (อาจเป็นไฟล์ Excel ที่เปลี่ยนนามสกุล)")
    return CheckedFile(name=name, data=data, kind=kind, sha256=sha256_of(data))


# How to save as .xlsx, in both programs offices use (docs/decisions/ods-files.md).
SAVE_AS_XLSX = (
    "กรุณาบันทึกเป็น .xlsx ก่อน: ใน Excel เลือก แฟ้ม > บันทึกเป็น > เวิร์กบุ๊ก Excel (*.xlsx) "
    "ใน LibreOffice Calc เลือก ไฟล์ > บันทึกเป็น… > ชนิดไฟล์ Excel 2007-365 (.xlsx)"
)
ODS_REFUSED = f"ไม่รองรับไฟล์ LibreOffice (.ods) โดยตรง {SAVE_AS_XLSX}"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def check_file_name(name: str) -> str:
    """ "xlsx" or "csv" from the file name (.txt: Excel's tab-separated "Unicode Text" is read as
    CSV), or RejectedFile telling how to save as .xlsx (.xls, .xlsm, .ods …)."""
    lower = (name or "").lower().strip()
    if lower.endswith(".xlsx"):
        return "xlsx"
    if lower.endswith(".docx"):
        return "docx"
    if lower.endswith((".docm", ".dotm")):
        raise RejectedFile(DOCM_REFUSED)
    if lower.endswith((".doc", ".dot", ".dotx", ".odt", ".rtf")):
        raise RejectedFile(f"ไม่รองรับไฟล์ชนิดนี้ {SAVE_AS_DOCX}")
    if lower.endswith((".csv", ".txt")):
        return "csv"
    if lower.endswith((".ods", ".fods", ".ots")):
        raise RejectedFile(ODS_REFUSED)
    if lower.endswith((".xls", ".xlsm", ".xlsb", ".xltx", ".xltm")):
        raise RejectedFile(f"ไม่รองรับไฟล์ชนิดนี้ {SAVE_AS_XLSX}")
    raise RejectedFile("รองรับเฉพาะไฟล์ .xlsx, .csv และ .docx")


def _open_zip(data: bytes, label: str) -> zipfile.ZipFile:
    """The archive of an Office file, refused on its central directory alone (FI-2)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise RejectedFile(f"ไฟล์ {label} เสียหาย เปิดอ่านไม่ได้") from exc
    if len(entries) > MAX_ENTRIES:
        raise RejectedFile(f"ไฟล์มีส่วนประกอบมากผิดปกติ ({len(entries)} ส่วน)")
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size >= RATIO_FLOOR and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise RejectedFile(
                "ไฟล์ถูกบีบอัดมากผิดปกติ (อาจเป็นไฟล์อันตราย) จึงไม่เปิดอ่าน"
                f" [{entry.filename}: {entry.file_size:,} ไบต์]"
            )
    if total > MAX_UNCOMPRESSED:
        raise RejectedFile(
            f"ข้อมูลในไฟล์เมื่อคลายออกใหญ่เกิน {MAX_UNCOMPRESSED // (1024 * 1024)} MB จึงไม่เปิดอ่าน"
        )
    return archive


def check_xlsx_container(data: bytes) -> None:
    """Magic bytes, central-directory sizes and ratios, and the spreadsheet content type (FI-2, FI-4)."""
    if data[:4] != b"PK\x03\x04":
        raise RejectedFile("ไฟล์นี้ไม่ใช่ไฟล์ .xlsx ที่ถูกต้อง กรุณาบันทึกใหม่จาก Excel เป็น .xlsx")
    archive = _open_zip(data, ".xlsx")
    try:
        content_types = archive.getinfo("[Content_Types].xml")
    except KeyError as exc:
        if _is_ods(archive):  # an .ods renamed to .xlsx
            raise RejectedFile(ODS_REFUSED) from exc
        raise RejectedFile("ไฟล์นี้ไม่ใช่ไฟล์ .xlsx ที่ถูกต้อง") from exc
    if content_types.file_size > 1024 * 1024:
        raise RejectedFile("ไฟล์นี้ไม่ใช่ไฟล์ .xlsx ที่ถูกต้อง")
    declared = archive.read(content_types)
    if b"macroEnabled" in declared:
        raise RejectedFile("ไฟล์นี้มีแมโคร กรุณาบันทึกเป็น .xlsx (ไม่มีแมโคร) แล้วนำเข้าอีกครั้ง")
    if _SPREADSHEET_MAIN not in declared:
        raise RejectedFile("ไฟล์นี้ไม่ใช่เวิร์กบุ๊ก Excel (.xlsx)")


SAVE_AS_DOCX = (
    "กรุณาบันทึกเป็น .docx ก่อน: ใน Word เลือก แฟ้ม > บันทึกเป็น > เอกสาร Word (*.docx) "
    "ใน LibreOffice Writer เลือก ไฟล์ > บันทึกเป็น… > ชนิดไฟล์ Word 2007-365 (.docx)"
)
DOCM_REFUSED = f"ไม่รับไฟล์ Word ที่มีแมโคร (.docm) {SAVE_AS_DOCX}"
DTD_REFUSED = "ไฟล์นี้มีการประกาศ DTD หรือเอนทิตีใน XML (ไม่มีในไฟล์ Word ปกติ อาจเป็นไฟล์อันตราย) จึงไม่เปิดอ่าน"
_WORD_MAIN = b"wordprocessingml.document.main+xml"
_WORD_MACRO_TYPES = (b"macroEnabled", b"vbaProject", b"ms-office.activeX", b"ms-word.vbaData")


def check_docx_container(data: bytes) -> None:
    """A .docx: the zip checks of an .xlsx, a Word document's content type and no macros, and no
    XML part that declares a DTD (a DOCTYPE is how external and expanding entities get in; Word
    never writes one, so refusing it costs nothing and does not depend on the parser's setup)."""
    if data[:4] != b"PK\x03\x04":
        raise RejectedFile("ไฟล์นี้ไม่ใช่ไฟล์ .docx ที่ถูกต้อง กรุณาบันทึกใหม่จาก Word เป็น .docx")
    archive = _open_zip(data, ".docx")
    try:
        content_types = archive.getinfo("[Content_Types].xml")
    except KeyError as exc:
        raise RejectedFile("ไฟล์นี้ไม่ใช่ไฟล์ .docx ที่ถูกต้อง") from exc
    if content_types.file_size > 1024 * 1024:
        raise RejectedFile("ไฟล์นี้ไม่ใช่ไฟล์ .docx ที่ถูกต้อง")
    declared = archive.read(content_types)
    if any(word in declared for word in _WORD_MACRO_TYPES) or any(
        info.filename.lower().endswith("vbaproject.bin") for info in archive.infolist()
    ):
        raise RejectedFile(DOCM_REFUSED)
    if _WORD_MAIN not in declared:
        raise RejectedFile("ไฟล์นี้ไม่ใช่เอกสาร Word (.docx)")
    for info in archive.infolist():
        if info.filename.lower().endswith((".xml", ".rels")) and _declares_dtd(archive, info):
            raise RejectedFile(DTD_REFUSED)


def _declares_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Does the part declare a DTD before its root element? (Sizes are already bounded.)"""
    with archive.open(info) as part:
        head = part.read(64 * 1024)
    # Text content cannot hold a raw "<!": it is escaped as &lt;!, so any hit is markup.
    # UTF-16 parts are searched with their NULs dropped.
    for text in (head.lower(), head.replace(b"\x00", b"").lower()):
        if b"<!doctype" in text or b"<!entity" in text:
            return True
    return False


def _is_ods(archive: zipfile.ZipFile) -> bool:
    try:
        info = archive.getinfo("mimetype")
    except KeyError:
        return False
    return info.file_size < 100 and archive.read(info).strip() == _ODS_MIMETYPE


# --- writing: text that looks like a formula stays text -----------------------------------------

_CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(ws, value):
    """Text as a string cell (never a formula), numbers as numbers, blanks as nothing.

    Text that starts like a formula (= + - @, as the CSV escapes) is also marked quotePrefix,
    Excel's "this is text" flag: without it, editing the cell and pressing Enter makes it live.
    The value itself is unchanged (no leading ' to strip on import)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(_CSV_DANGEROUS):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
    return value


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal | int | float):
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(_CSV_DANGEROUS) else text
