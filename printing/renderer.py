"""The renderer of the official Thai PDFs: fonts, local-only resources, formatting, chunks, their
cache, the WeasyPrint call, the stamp (folios, footer, watermark) and the render slots. The
documents (printing.project, printing.book, printing.report) prepare their context and chunks
and lay them out through it; printing is the only app importing WeasyPrint.

How a book is made (docs/decisions/pdf-rendering.md):

1. `plan_context()` / `project_context()` turn prefetched rows into prepared, formatted data
   (a fixed number of queries whatever the plan's size).
2. Templates under templates/pdf/ turn it into HTML *chunks*: part 1, part 2, the part-3
   overview, one per strategy summary, one per project document, part 4, appendices. Every
   chunk starts on a new page and prints no page number, so its pages do not depend on where
   it lands in the book.
3. Each chunk is cached as its own PDF under the SHA-256 of its HTML; only the chunks that
   changed are laid out again (in batches, one WeasyPrint document per batch).
4. The front matter (cover, foreword, contents) is rendered last, with the page numbers that
   the cached chunks' page counts and anchors give.
5. A *stamp* document carries what depends on the page's position: the folio ("- ๑๒ -"),
   the running footer and the draft watermark. printing.assemble draws it beneath every page
   and joins the parts into one tagged PDF (outline, page labels, metadata).
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import logging
import mimetypes
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.logger import PROGRESS_LOGGER
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from actionplan import thai
from actionplan.models import PlanType
from printing import assemble
from printing.assemble import Bookmark, DocumentInfo
from printing.models import OfficePrintSettings

logger = logging.getLogger(__name__)

# Bump when templates or CSS change in a way the chunk HTML does not show (it is hashed anyway),
# and when printing/assemble.py writes files differently (finished books are cached too).
RENDERER_VERSION = "pdf-7"  # 7: tagged chunks, bookmarks and anchor heights in the cache
FONT_DIR = "fonts/thsarabunpsk"
FONT_FILES = {
    ("normal", "normal"): "THSarabun-Regular.ttf",
    ("bold", "normal"): "THSarabun-Bold.ttf",
    ("normal", "italic"): "THSarabun-Italic.ttf",
    ("bold", "italic"): "THSarabun-Bold-Italic.ttf",
}
FONT_FAMILY = "GovSarabun"  # private name: fontconfig maps "TH Sarabun*" to a scaled Laksaman
# Thai letters used as front-matter folios (ก ข ค …), without the obsolete ฃ and ฅ.
THAI_LETTERS = "กขคงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ"
BATCH_PAGES = 120  # pages laid out per WeasyPrint document: bounds memory (~2 MB a page)
# How WeasyPrint writes the laid-out content: tagged (its structure tree is merged into the
# document's by printing.assemble; the document is PDF/UA-1, see pdf-ua-and-pdfa.md).
# (Without a version, WeasyPrint 70 adds the PDF 2.0 namespaces to the tree of a 1.7 file.)
CONTENT_PDF = {"pdf_tags": True, "pdf_version": "1.7"}

Progress = Callable[[int, str], None]


class PdfError(Exception):
    """A document could not be rendered (the message is Thai and shown to the user)."""


# --- Local-only resources ------------------------------------------------------------------


def allowed_roots() -> list[Path]:
    """Directories a document may load files from: the static dirs and MEDIA_ROOT (logos)."""
    roots = [Path(d) for d in getattr(settings, "STATICFILES_DIRS", [])]
    roots += [Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT), cache_root()]
    return [root.resolve() for root in roots]


class LocalFileFetcher(URLFetcher):
    """Serves file:// URLs under the allowed roots and refuses everything else (no network).

    A refused or missing resource stops the render (fail_on_errors): a font that silently
    falls back prints the wrong glyphs, and a PDF must never fetch anything from outside.
    """

    def __init__(self, roots: list[Path] | None = None):
        super().__init__(fail_on_errors=True)
        self.roots = roots if roots is not None else allowed_roots()

    def local_path(self, url: str) -> Path:
        """The file a URL names, or PermissionError when it is not an allowed local file."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise PermissionError(f"refused non-local URL: {url[:200]}")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise PermissionError(f"refused file outside static/media: {path}")
        if not path.is_file():
            raise FileNotFoundError(str(path))
        return path

    def fetch(self, url, headers=None):
        path = self.local_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def font_faces() -> list[dict]:
    """The four vendored TH SarabunPSK styles as @font-face data (absolute file URLs)."""
    faces = []
    for (weight, style), name in FONT_FILES.items():
        found = finders.find(f"{FONT_DIR}/{name}")
        path = Path(found) if found else Path(settings.STATIC_ROOT) / FONT_DIR / name
        if not path.is_file():
            raise PdfError(f"ไม่พบไฟล์ฟอนต์ {name} (static/{FONT_DIR})")
        faces.append({"weight": weight, "style": style, "url": path.resolve().as_uri()})
    return faces


# --- Formatting ----------------------------------------------------------------------------

_TEXT_NODE = re.compile(r">([^<]+)<")
_DIGIT_OR_ENTITY = re.compile(r"&#?\w+;|[0-9๐-๙]")
_TO_THAI = str.maketrans(thai.ARABIC_DIGITS, thai.THAI_DIGITS)
_TO_ARABIC = str.maketrans(thai.THAI_DIGITS, thai.ARABIC_DIGITS)


def localise_digits(html: str, digits: str) -> str:
    """Every digit of the text (never of tags, attributes or entities) in the office's style.

    One pass at the end guarantees a document is never mixed (domain.md §6.1), whatever the
    user typed: "พ.ศ. 2560" prints "พ.ศ. ๒๕๖๐" in a Thai-digit document and "๒๕๖๐" prints
    "2560" in an Arabic-digit one.
    """
    table = _TO_THAI if digits == "thai" else _TO_ARABIC

    def digit(match: re.Match) -> str:
        token = match.group()
        return token if len(token) > 1 else token.translate(table)

    return _TEXT_NODE.sub(lambda m: ">" + _DIGIT_OR_ENTITY.sub(digit, m.group(1)) + "<", html)


def amount(value, zero: str = "-") -> str:
    """Baht for a table cell: "6,820", "1,234.50" when there are satang; zero prints `zero`."""
    value = Decimal(value or 0)
    decimals = 0 if value == value.to_integral_value() else 2
    return thai.format_money(value, digits="arabic", decimals=decimals, zero=zero)


def number(value) -> str:
    """A KPI value without trailing zeros: 80, 72.5."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


def period_text(start: date | None, end: date | None) -> str:
    """ "เมษายน 2566" for a whole month, "ตุลาคม 2565 - กันยายน 2566" for whole months, else dates."""
    if not start:
        return ""
    end = end or start
    whole_months = start.day == 1 and (end + timedelta(days=1)).day == 1
    if whole_months:
        first = thai.format_month_year(start.year, start.month, digits="arabic")
        if (start.year, start.month) == (end.year, end.month):
            return first
        return f"{first} - {thai.format_month_year(end.year, end.month, digits='arabic')}"
    if start == end:
        return thai.format_thai_date(start, digits="arabic")
    return (
        f"{thai.format_thai_date(start, digits='arabic')} - "
        f"{thai.format_thai_date(end, digits='arabic')}"
    )


@dataclass
class Paragraph:
    text: str
    indent: bool


_LIST_START = re.compile(r"^\s*(?:[\d๐-๙]+[.)]|[-•●▶·]|\([ก-ฮ\d๐-๙]+\)|[ก-ฮ][.)])")


def paragraphs(text: str) -> list[Paragraph]:
    """Free text as printed paragraphs: a line per paragraph; numbered lines get no indent."""
    return [
        Paragraph(line.strip(), not _LIST_START.match(line))
        for line in (text or "").splitlines()
        if line.strip()
    ]


def book_title(plan) -> str:
    """ "แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2566" as printed on the cover and the footer."""
    year = plan.fiscal_year.year_be
    if plan.title_th:
        base = plan.title_th.strip()
        return base if "ปีงบประมาณ" in base else f"{base} ประจำปีงบประมาณ พ.ศ. {year}"
    kind = plan.kind
    if kind.horizon and plan.horizon_start_be and plan.horizon_end_be:
        return f"{kind.title} พ.ศ. {plan.horizon_start_be} - {plan.horizon_end_be}"
    separator = "" if plan.plan_type == PlanType.ACTION_PLAN else " "
    return f"{kind.title}{separator}ประจำปีงบประมาณ พ.ศ. {year}"


def print_settings_for(office) -> OfficePrintSettings:
    """The office's print settings, or the defaults (unsaved) when it has none."""
    found = OfficePrintSettings.objects.filter(office=office).first()
    return found or OfficePrintSettings(office=office)


# --- Chunks ----------------------------------------------------------------------------------


@dataclass
class TocEntry:
    level: int
    title: str
    anchor: str


@dataclass
class Chunk:
    """A run of whole pages rendered (and cached) on its own."""

    html: str
    toc: list[TocEntry] = field(default_factory=list)
    bookmark: str = ""
    key: str = ""


@dataclass
class RenderedChunk:
    path: Path  # the batch PDF the chunk's pages are in
    pages: int
    anchors: dict[str, int]  # toc-* anchor -> page offset within the chunk
    landscape: list[bool]
    first: int = 0  # index of the chunk's first page in the batch PDF
    # CSS bookmarks (bookmark-level) as [level, label, page offset, points from the page top]
    bookmarks: list = field(default_factory=list)
    tops: dict[str, float] = field(default_factory=dict)  # toc-* anchor -> points from the top


@dataclass
class PageMarks:
    """What the assembly needs to know of laid-out pages, kept with them in the cache."""

    anchors: dict[str, int]
    tops: dict[str, float]
    bookmarks: list
    landscape: list[bool]


def page_marks(pages) -> PageMarks:
    """The toc-* anchors (page offset, height), CSS bookmarks and orientation of WeasyPrint
    pages; heights in PDF points from the page top (WeasyPrint gives CSS px)."""
    anchors: dict[str, int] = {}
    tops: dict[str, float] = {}
    bookmarks = []
    for offset, page in enumerate(pages):
        for name, (_x, y, *_rest) in page.anchors.items():
            if name.startswith("toc-") and name not in anchors:
                anchors[name] = offset
                tops[name] = round(y * 0.75, 2)
        for level, label, (_x, y), state in page.bookmarks:
            bookmarks.append([level, label, offset, round(y * 0.75, 2), state == "closed"])
    return PageMarks(anchors, tops, bookmarks, [page.width > page.height for page in pages])


def _stylesheet_text(name: str = "pdf/print.css") -> str:
    return render_to_string(name, {"faces": font_faces(), "family": FONT_FAMILY})


# Symbols users type that the vendored font lacks, as a glyph it has: one font in every PDF
# (a missing glyph falls back to DejaVu, pdffonts shows it and the line looks patched).
GLYPH_SUBSTITUTES = str.maketrans(
    dict.fromkeys("●○◦▪▫■□◆◇❖★☆∙▶►➢➤", "•")
    | dict.fromkeys("✓✔", "√")
    | dict.fromkeys("✗✘", "x")
    | dict.fromkeys("→⇒", "–")
)


def printable(html: str) -> str:
    """The HTML with every symbol the font lacks replaced (GLYPH_SUBSTITUTES)."""
    return html.translate(GLYPH_SUBSTITUTES)


def _chunk(template: str, context: dict, digits: str, toc=(), bookmark: str = "") -> Chunk:
    html = localise_digits(printable(render_to_string(template, context)), digits)
    return Chunk(html=html, toc=list(toc), bookmark=bookmark)


# --- Cache -----------------------------------------------------------------------------------


def cache_root() -> Path:
    """Where rendered chunks live (content-addressed; safe to delete at any time)."""
    configured = getattr(settings, "PDF_CACHE_DIR", None)
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "pdf-cache"


class ChunkCache:
    """Rendered chunks on disk: the PDFs of the batches they were laid out in (`batches/`) and
    one JSON per chunk content hash naming its batch file, first page, page count, anchors.

    A batch's PDF is written once by WeasyPrint and its chunks point into it, so the fonts of a
    batch are subset and stored once (writing each chunk as its own PDF cost a font subsetting
    per chunk: a third of a 150-project render)."""

    def __init__(self, root: Path | None = None):
        self.root = root or cache_root()

    def _meta_path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> RenderedChunk | None:
        meta_path = self._meta_path(key)
        try:
            meta = json.loads(meta_path.read_text())
            pdf_path = self.root / meta["file"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not pdf_path.is_file():
            return None
        os.utime(meta_path)  # recently used: kept by prune()
        return RenderedChunk(
            pdf_path,
            meta["pages"],
            meta["anchors"],
            meta["landscape"],
            meta["first"],
            meta.get("bookmarks", []),
            meta.get("tops", {}),
        )

    def put_batch(self, pdf: bytes) -> Path:
        """Store a laid-out batch; returns its path (named by the hash of its bytes)."""
        path = self.root / "batches" / f"{hashlib.sha256(pdf).hexdigest()}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file():
            atomic_write(path, pdf)
        return path

    def put(self, key: str, batch: Path, first: int, marks: PageMarks) -> RenderedChunk:
        meta_path = self._meta_path(key)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "file": str(batch.relative_to(self.root)),
            "first": first,
            "pages": len(marks.landscape),
            "anchors": marks.anchors,
            "landscape": marks.landscape,
            "bookmarks": marks.bookmarks,
            "tops": marks.tops,
        }
        atomic_write(meta_path, json.dumps(meta, ensure_ascii=False).encode())
        return RenderedChunk(
            batch,
            len(marks.landscape),
            marks.anchors,
            marks.landscape,
            first,
            marks.bookmarks,
            marks.tops,
        )

    def prune(self, max_age_days: int = 30) -> int:
        """Forget chunks unused for max_age_days and delete batches no chunk points into."""
        cutoff = time.time() - max_age_days * 86400
        removed = 0
        used = set()
        for meta_path in self.root.glob("*/*.json"):
            if meta_path.stat().st_mtime < cutoff:
                meta_path.unlink(missing_ok=True)
                removed += 1
                continue
            try:
                used.add(json.loads(meta_path.read_text())["file"])
            except (OSError, ValueError, KeyError):
                continue
        for batch in self.root.glob("batches/*.pdf"):
            if str(batch.relative_to(self.root)) not in used and batch.stat().st_mtime < cutoff:
                batch.unlink(missing_ok=True)
        return removed


def atomic_write(path: Path, data: bytes) -> None:
    """Write through a temporary file renamed into place; a failed write (a full disk) leaves
    neither the temporary file nor a half-written `path`."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- WeasyPrint ------------------------------------------------------------------------------


class _Renderer:
    """One font configuration and stylesheet shared by every WeasyPrint document of a job
    (parsed on first use: a book whose every part is cached lays nothing out)."""

    def __init__(self):
        self.fetcher = LocalFileFetcher()
        self.css_text = _stylesheet_text()
        self.stamp_css_text = _stylesheet_text("pdf/stamp.css")

    @cached_property
    def font_config(self) -> FontConfiguration:
        return FontConfiguration()

    @cached_property
    def css(self) -> CSS:
        return CSS(string=self.css_text, font_config=self.font_config, url_fetcher=self.fetcher)

    @cached_property
    def stamp_css(self) -> CSS:
        return CSS(
            string=self.stamp_css_text, font_config=self.font_config, url_fetcher=self.fetcher
        )

    def document(self, body: str, title: str = "", lang: str = "th", css=None):
        html = (
            f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{title}</title></head><body>{body}</body></html>"
        )
        try:
            return HTML(string=html, url_fetcher=self.fetcher, base_url="file:///").render(
                stylesheets=[css or self.css], font_config=self.font_config
            )
        except FatalURLFetchingError as exc:
            raise PdfError(f"โหลดไฟล์ประกอบเอกสารไม่ได้: {exc.__cause__ or exc}") from exc


def _hash_chunks(chunks: list[Chunk], css_text: str) -> None:
    css_hash = hashlib.sha256((RENDERER_VERSION + css_text).encode()).hexdigest()
    for chunk in chunks:
        chunk.key = hashlib.sha256((css_hash + chunk.html).encode()).hexdigest()


@contextmanager
def _layout_progress(callback: Callable[[int], None] | None) -> Iterator[None]:
    """Report each page WeasyPrint lays out (its progress logger) to callback(page)."""
    if callback is None:
        yield
        return

    class Handler(logging.Handler):
        def emit(self, record):
            if record.msg.startswith("Step 5 - Creating layout - Page") and record.args:
                callback(int(record.args[0]))

    handler = Handler(logging.INFO)
    old_level, old_propagate = PROGRESS_LOGGER.level, PROGRESS_LOGGER.propagate
    PROGRESS_LOGGER.addHandler(handler)
    PROGRESS_LOGGER.setLevel(logging.INFO)
    PROGRESS_LOGGER.propagate = False  # the page-by-page messages are for us, not the log
    try:
        yield
    finally:
        PROGRESS_LOGGER.removeHandler(handler)
        PROGRESS_LOGGER.setLevel(old_level)
        PROGRESS_LOGGER.propagate = old_propagate


def _render_missing(
    renderer: _Renderer,
    chunks: list[Chunk],
    cache: ChunkCache,
    progress: Progress | None,
    expected_pages: int,
) -> dict[str, RenderedChunk]:
    """Cached chunks as they are; the others laid out in batches and stored."""
    rendered: dict[str, RenderedChunk] = {}
    missing: list[Chunk] = []
    for chunk in chunks:
        hit = cache.get(chunk.key)
        if hit:
            rendered[chunk.key] = hit
        elif chunk.key not in {c.key for c in missing}:
            missing.append(chunk)
    if not missing:
        return rendered
    done_pages = 0
    total_pages = max(expected_pages, 1)
    batch: list[Chunk] = []
    batches = []
    estimate = 0
    for chunk in missing:
        batch.append(chunk)
        estimate += 3
        if estimate >= BATCH_PAGES:
            batches.append(batch)
            batch, estimate = [], 0
    if batch:
        batches.append(batch)
    for batch in batches:

        def on_page(page: int, base=done_pages) -> None:
            share = min(1.0, (base + page) / total_pages)
            progress(5 + int(80 * share), f"กำลังจัดหน้าเอกสาร หน้าที่ {base + page}")

        body = "".join(
            f'<section class="chunk" id="chunk-{c.key}">{c.html}</section>' for c in batch
        )
        with _layout_progress(on_page if progress else None):
            document = renderer.document(body)
        starts = []
        for chunk in batch:
            starts.append(_anchor_page(document, f"chunk-{chunk.key}"))
        starts.append(len(document.pages))
        batch_path = cache.put_batch(document.write_pdf(**CONTENT_PDF))
        for index, chunk in enumerate(batch):
            marks = page_marks(document.pages[starts[index] : starts[index + 1]])
            rendered[chunk.key] = cache.put(chunk.key, batch_path, starts[index], marks)
        done_pages += len(document.pages)
    return rendered


def _anchor_page(document, anchor: str) -> int:
    for index, page in enumerate(document.pages):
        if anchor in page.anchors:
            return index
    raise PdfError(f"ไม่พบจุดเริ่มต้นของส่วน {anchor}")


def front_folio(index: int) -> str:
    """Front-matter folio: ก, ข, ค … (then กก, กข …)."""
    letters = THAI_LETTERS
    if index < len(letters):
        return letters[index]
    return letters[index // len(letters) - 1] + letters[index % len(letters)]


WATERMARK_TEXT = "ฉบับร่าง"


def watermark_image() -> Path:
    """The draft watermark as a PNG (drawn once, cached).

    A picture, not text: rotated watermark text would be interleaved with the body text by
    copy/paste, search and pdftotext. Pillow shapes Thai with raqm, so the tone mark sits right.
    """
    from PIL import Image, ImageDraw, ImageFont

    path = cache_root() / f"watermark-{RENDERER_VERSION}.png"
    if path.is_file():
        return path
    font_path = finders.find(f"{FONT_DIR}/{FONT_FILES[('bold', 'normal')]}")
    font = ImageFont.truetype(font_path, 360)
    left, top, right, bottom = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox(
        (0, 0), WATERMARK_TEXT, font=font
    )
    pad = 40
    # Opaque (white background, no alpha channel) and drawn beneath the content: poppler drew
    # a soft-masked picture far too dark once content was painted over it.
    image = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 255)
    ImageDraw.Draw(image).text((pad - left, pad - top), WATERMARK_TEXT, font=font, fill=222)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    atomic_write(path, buffer.getvalue())
    return path


@dataclass
class StampPage:
    folio: str  # printed at the top ("- ๑๒ -"); "" prints none (and no running footer)
    landscape: bool
    label: str = ""  # the page label when the page prints no folio (the cover: "ปก")


@dataclass
class Stamp:
    """The laid-out stamp of a document and what its pages print (assemble.StampLayout)."""

    layout: assemble.StampLayout
    labels: list[str]


def _render_cached(renderer: _Renderer, cache: ChunkCache, body: str, stamp: bool = False):
    """A whole small document (front matter, stamp) through the chunk cache."""
    css_text = renderer.stamp_css_text if stamp else renderer.css_text
    key = hashlib.sha256((RENDERER_VERSION + css_text + body).encode()).hexdigest()
    hit = cache.get(key)
    if hit:
        return hit
    document = renderer.document(body, css=renderer.stamp_css if stamp else renderer.css)
    # The stamp is drawn as pagination artifacts: never tagged content.
    pdf = document.write_pdf(**({} if stamp else CONTENT_PDF))
    return cache.put(key, cache.put_batch(pdf), 0, page_marks(document.pages))


def _stamp(
    renderer: _Renderer,
    pages: list[StampPage],
    footer: str,
    watermark: bool,
    digits: str,
    cache: ChunkCache,
) -> Stamp:
    """The stamp of a document: one sheet per (orientation, footer or not) with the running
    footer and the watermark, shared by every page of that kind, then every folio in a cell of
    the folio sheets. Laying out one sheet per page cost ~12 ms a page (a tenth of a book)."""
    layers = sorted({(p.landscape, bool(footer and p.folio)) for p in pages})
    html = render_to_string(
        "pdf/stamp.html",
        {
            "layers": [
                {"landscape": land, "footer": footer if foot else ""} for land, foot in layers
            ],
            "folios": [p.folio for p in pages if p.folio],
            "watermark_url": watermark_image().as_uri() if watermark else "",
        },
    )
    done = _render_cached(renderer, cache, localise_digits(html, digits), stamp=True)
    layout = assemble.StampLayout(
        path=done.path,
        layers=layers,
        layer_of=[layers.index((p.landscape, bool(footer and p.folio))) for p in pages],
        folios=[p.folio or None for p in pages],
    )
    labels = [localise_digits(f">{p.folio or p.label}<", digits)[1:-1] for p in pages]
    return Stamp(layout, labels)


def chunk_bookmarks(done: RenderedChunk, first_page: int, level: int = 0) -> list[Bookmark]:
    """A laid-out chunk's CSS bookmarks (bookmark-level) at its place in a document: its
    first page's index there, and `level` added to their levels (nested under a parent)."""
    return [
        Bookmark(lvl + level, label, first_page + offset, top, closed)
        for lvl, label, offset, top, closed in done.bookmarks
    ]


def _overlay_and_join(
    parts: list[RenderedChunk], stamp: Stamp, info: DocumentInfo, outline: list[Bookmark]
) -> bytes:
    """Join the parts' pages into one tagged PDF with its stamp, outline, page labels and
    metadata (printing.assemble)."""
    try:
        return assemble.join(
            [assemble.Part(p.path, p.first, p.pages) for p in parts],
            stamp.layout,
            info,
            outline,
            stamp.labels,
        )
    except assemble.AssemblyError as exc:
        raise PdfError(f"รวมไฟล์เอกสารไม่สำเร็จ: {exc}") from exc


# --- Public API ------------------------------------------------------------------------------


@dataclass
class BookResult:
    pdf: bytes
    pages: int
    version_key: str
    chunks_rendered: int
    chunks_total: int


# --- Concurrency -----------------------------------------------------------------------------


@contextmanager
def render_slot(
    wait_seconds: float = 3600, waiting: Callable[[], None] | None = None
) -> Iterator[int]:
    """Hold one of os.cpu_count() render slots (file locks): at most one book render per core,
    whatever runs it (workers, commands). Waits for a free slot up to wait_seconds, calling
    `waiting()` between attempts (a render's heartbeat: waiting is not being stuck)."""
    folder = cache_root() / "slots"
    folder.mkdir(parents=True, exist_ok=True)
    slots = max(1, os.cpu_count() or 1)
    deadline = time.monotonic() + wait_seconds
    while True:
        for slot in range(slots):
            handle = open(folder / f"slot-{slot}.lock", "w")  # noqa: SIM115 (held while rendering)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            try:
                yield slot
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        if time.monotonic() > deadline:
            raise PdfError("เครื่องกำลังจัดทำเอกสารอื่นอยู่ครบทุกหน่วยประมวลผล กรุณาลองใหม่ภายหลัง")
        if waiting:
            waiting()
        time.sleep(0.5)
