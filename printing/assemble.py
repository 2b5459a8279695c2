"""The last step of every printed document: join the laid-out parts' pages into one tagged PDF
(docs/decisions/pdf-ua-and-pdfa.md).

WeasyPrint lays out the parts (chunk batches, front matter) as tagged PDFs and the stamp (folios,
running footer, draft watermark) as an untagged one. This module copies the pages it needs out
of those files and writes the document:

- each page with the objects it uses and its structure elements (WeasyPrint builds its tree
  page by page, so a page's elements are its own), under one Document element;
- the stamp beneath every page as pagination artifacts: the footer and watermark of a kind of
  page are one form XObject shared by all its pages; a folio is the text WeasyPrint drew in
  one cell of the stamp's folio sheets, moved to the top of its page;
- the outline (bookmarks), page labels (ก, ข … then ๑, ๒ …, as printed), the document
  information, XMP metadata (PDF/UA-1; PDF/A-3b with an sRGB output intent for an archived
  book), all objects but streams in compressed object streams.

It works on the files' bytes, not on a PDF object model: a tagged 229-page book has ~35,000
objects with ~110,000 references (three times as many at 670 pages), and pypdf took ~17 s CPU
to read, copy and write them, against ~0.5 s here. WeasyPrint's writer (pydyf) is regular: a cross-reference stream, the
streams as plain objects, every other object in one object stream, dictionaries written
`<</Key value…>>`; copying an object is renumbering its `N 0 R` references. What this module
does not recognise raises AssemblyError (tests cover every document kind).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from xml.sax.saxutils import escape

from weasyprint import __version__ as WEASYPRINT_VERSION

PRODUCER = f"WeasyPrint {WEASYPRINT_VERSION} (actionplan printing)"
CM_PX = 96 / 2.54  # CSS px per cm
FOLIO_CELL_CM = 1.0  # height of one folio's cell on the stamp's folio sheets (stamp.css)
FOLIO_TOP_CM = 1.1  # where a folio's box starts on its page
PORTRAIT_MM, LANDSCAPE_MM = 210, 297
A4_POINTS = (595.275591, 841.889764)


class AssemblyError(Exception):
    """The laid-out parts cannot be joined (a WeasyPrint output this module does not know)."""


@dataclass
class Bookmark:
    """One outline entry: its level (1 = top), title, page index in the joined document and the
    height on that page where it points (PDF points from the top; 0 = the top)."""

    level: int
    title: str
    page: int
    top: float = 0.0
    closed: bool = False


@dataclass
class DocumentInfo:
    """What a document says about itself (information dictionary and XMP)."""

    title: str
    author: str
    subject: str = ""
    keywords: list[str] = field(default_factory=list)
    lang: str = "th"
    version_key: str = ""  # the render cache's content key, kept under its own name
    archival: bool = False  # PDF/A-3b as well as PDF/UA-1 (the approved, archived book)


@dataclass
class Part:
    """A run of pages of a laid-out PDF file (a chunk in its batch, the front matter)."""

    path: Path
    first: int
    pages: int


@dataclass
class StampLayout:
    """The stamp PDF's pages: `layers` sheets first (one per (landscape, footer) pair, in that
    order), then the folio sheets with the folios of `folios` in order (pages without one are
    None in it); `layer_of[i]` is the index of page i's layer."""

    path: Path
    layers: list[tuple[bool, bool]]
    layer_of: list[int]
    folios: list[str | None]


# --- Reading WeasyPrint's files ------------------------------------------------------------

_REF = re.compile(rb"(\d+) 0 R")
_REF_NUMBER = re.compile(rb"(\d+) 0 R")
_INT = re.compile(rb"-?\d+")


def _key(body: bytes, key: bytes) -> bytes | None:
    """The value of a dictionary key whose value is one token or reference (or None)."""
    match = re.search(re.escape(key) + rb"[ ]?(\d+ 0 R|/[^/\s<>\[\]()]+|-?[\d.]+)", body)
    return match.group(1) if match else None


def _ref(body: bytes, key: bytes) -> int | None:
    value = _key(body, key)
    return int(value.split()[0]) if value and value.endswith(b" 0 R") else None


class Source:
    """A PDF file as WeasyPrint writes it, its objects read as bytes (`body(n)`)."""

    def __init__(self, path: Path):
        self.path = path
        self.data = data = path.read_bytes()
        found = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data)
        if not found:
            raise AssemblyError(f"{path.name}: no startxref")
        start = int(found.group(1))
        head_end = data.index(b"stream", start)
        head = data[start:head_end]
        if b"/Type /XRef" not in head:
            raise AssemblyError(f"{path.name}: no cross-reference stream")
        widths = [int(w) for w in _INT.findall(re.search(rb"/W \[([^\]]*)\]", head).group(1))]
        rows = self._stream(head, head_end)
        index = re.search(rb"/Index \[([^\]]*)\]", head)
        ranges = (
            [int(v) for v in _INT.findall(index.group(1))]
            if index
            else [0, int(_key(head, b"/Size"))]
        )
        self.direct: dict[int, int] = {}
        self.packed: dict[int, tuple[int, int]] = {}
        step = sum(widths)
        position = 0
        for first, count in zip(ranges[0::2], ranges[1::2], strict=True):
            for number in range(first, first + count):
                fields = []
                cursor = position
                for width in widths:
                    fields.append(
                        int.from_bytes(rows[cursor : cursor + width], "big") if width else 1
                    )
                    cursor += width
                position += step
                kind, a, b = fields
                if kind == 1:
                    self.direct[number] = a
                elif kind == 2:
                    self.packed[number] = (a, b)
        self.root = _ref(head, b"/Root")
        self._streams: dict[int, dict[int, bytes]] = {}
        self._bodies: dict[int, bytes] = {}

    def _stream(self, head: bytes, at: int) -> bytes:
        length = int(_key(head, b"/Length"))
        begin = at + len(b"stream")
        begin += 2 if self.data[begin : begin + 2] == b"\r\n" else 1
        raw = self.data[begin : begin + length]
        return zlib.decompress(raw) if b"/FlateDecode" in head else raw

    def body(self, number: int) -> bytes:
        """The object's bytes: a dictionary or value, or a stream's `<<dict>>\\nstream…endstream`."""
        found = self._bodies.get(number)
        if found is not None:
            return found
        if number in self.packed:
            stream, index = self.packed[number]
            objects = self._streams.get(stream)
            if objects is None:
                objects = self._streams[stream] = self._object_stream(stream)
            found = objects[number]
        elif number in self.direct:
            data = self.data
            start = data.index(b"obj", self.direct[number]) + 3
            keyword, end = data.find(b"stream", start), data.find(b"endobj", start)
            if keyword != -1 and keyword < end:  # a stream: skip its data by its length
                length = _key(data[start:keyword], b"/Length")
                if not length or not length.isdigit():
                    raise AssemblyError(f"{self.path.name}: object {number} has no direct /Length")
                end = data.index(b"endstream", keyword + 6 + int(length)) + len(b"endstream")
            found = data[start:end].strip()
        else:
            raise AssemblyError(f"{self.path.name}: no object {number}")
        self._bodies[number] = found
        return found

    def _object_stream(self, number: int) -> dict[int, bytes]:
        at = self.direct[number]
        head_end = self.data.index(b"stream", at)
        head = self.data[at:head_end]
        content = self._stream(head, head_end)
        count, first = int(_key(head, b"/N")), int(_key(head, b"/First"))
        table = [int(v) for v in content[:first].split()]
        objects = {}
        for i in range(count):
            start = first + table[2 * i + 1]
            end = first + table[2 * i + 3] if i + 1 < count else len(content)
            objects[table[2 * i]] = content[start:end].strip()
        return objects

    def stream_data(self, number: int) -> tuple[bytes, bytes]:
        """A stream object's (dictionary, data as stored)."""
        body = self.body(number)
        split = body.index(b"stream")
        head = body[:split]
        begin = split + len(b"stream")
        begin += 2 if body[begin : begin + 2] == b"\r\n" else 1
        return head, body[begin : begin + int(_key(head, b"/Length"))]

    def decoded(self, number: int) -> bytes:
        head, data = self.stream_data(number)
        return zlib.decompress(data) if b"/FlateDecode" in head else data

    def pages(self) -> list[int]:
        catalog = self.body(self.root)
        return self._kids(_ref(catalog, b"/Pages"))

    def _kids(self, number: int) -> list[int]:
        node = self.body(number)
        if b"/Type /Pages" not in node:
            return [number]
        kids = re.search(rb"/Kids \[([^\]]*)\]", node).group(1)
        return [n for kid in _REF.findall(kids) for n in self._kids(int(kid))]


# --- Writing -------------------------------------------------------------------------------


class Ref(int):
    """An object number, written as a reference."""


def pdf(value) -> bytes:
    """A Python value as PDF syntax: dict, list, Ref, bool, int, float, str (a name when it
    starts with "/", else a text string, UTF-16 when not ASCII), bytes (as they are)."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, Ref):
        return b"%d 0 R" % value
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, int):
        return b"%d" % value
    if isinstance(value, float):
        return (b"%.4f" % value).rstrip(b"0").rstrip(b".") or b"0"
    if isinstance(value, str):
        if value.startswith("/"):
            return value.encode()
        return text(value)
    if isinstance(value, dict):
        return b"<<" + b"".join(b"/" + k.encode() + b" " + pdf(v) for k, v in value.items()) + b">>"
    if isinstance(value, (list, tuple)):
        return b"[" + b" ".join(pdf(v) for v in value) + b"]"
    if value is None:
        return b"null"
    raise TypeError(type(value))


def text(value: str) -> bytes:
    """A PDF text string: literal when printable ASCII, else UTF-16BE with its mark."""
    if value.isascii() and value.isprintable():
        return (
            b"("
            + value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode()
            + b")"
        )
    return b"<feff" + value.encode("utf-16-be").hex().encode() + b">"


class Output:
    """The objects of the document being written, by number."""

    def __init__(self):
        self.objects: list[bytes | None] = [None]  # numbers start at 1
        self.streams: set[int] = set()

    def reserve(self) -> Ref:
        self.objects.append(None)
        return Ref(len(self.objects) - 1)

    def put(self, number: int, body: bytes, stream: bool = False) -> Ref:
        self.objects[number] = body
        if stream:
            self.streams.add(number)
        return Ref(number)

    def add(self, value) -> Ref:
        return self.put(self.reserve(), pdf(value))

    def add_stream(self, data: bytes, extra: dict | None = None, compress: bool = True) -> Ref:
        head = dict(extra or {})
        if compress:
            data = zlib.compress(data, 6)
            head["Filter"] = "/FlateDecode"
        head["Length"] = len(data)
        return self.put(self.reserve(), pdf(head) + b"\nstream\n" + data + b"\nendstream", True)

    def write(self, root: Ref, info: Ref, file_id: bytes) -> bytes:
        """The file: header, streams, object streams of everything else, xref stream."""
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets: dict[int, tuple[int, int, int]] = {}
        packed = []
        for number, body in enumerate(self.objects):
            if body is None:
                continue
            if number in self.streams:
                offsets[number] = (1, len(out), 0)
                out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
            else:
                packed.append(number)
        next_number = len(self.objects)
        for start in range(0, len(packed), OBJECTS_PER_STREAM):
            numbers = packed[start : start + OBJECTS_PER_STREAM]
            table, bodies, at = [], [], 0
            for index, number in enumerate(numbers):
                table.append(b"%d %d" % (number, at))
                body = self.objects[number]
                bodies.append(body)
                at += len(body) + 1
                offsets[number] = (2, next_number, index)
            head = b" ".join(table) + b"\n"
            data = zlib.compress(head + b"\n".join(bodies) + b"\n", 6)
            offsets[next_number] = (1, len(out), 0)
            out += (
                b"%d 0 obj\n" % next_number
                + pdf(
                    {
                        "Type": "/ObjStm",
                        "N": len(numbers),
                        "First": len(head),
                        "Filter": "/FlateDecode",
                        "Length": len(data),
                    }
                )
                + b"\nstream\n"
                + data
                + b"\nendstream\nendobj\n"
            )
            next_number += 1
        xref_number, xref_at = next_number, len(out)
        offsets[xref_number] = (1, xref_at, 0)
        size = xref_number + 1
        width = max(4, (xref_at.bit_length() + 7) // 8)
        rows = bytearray()
        for number in range(size):
            kind, a, b = offsets.get(number, (0, 0, 0 if number else 65535))
            rows += kind.to_bytes(1, "big") + a.to_bytes(width, "big") + b.to_bytes(2, "big")
        data = zlib.compress(bytes(rows), 6)
        hex_id = b"<" + file_id.hex().encode() + b">"
        trailer = {
            "Type": "/XRef",
            "Size": size,
            "W": [1, width, 2],
            "Root": root,
            "Info": info,
            "ID": [hex_id, hex_id],
            "Filter": "/FlateDecode",
            "Length": len(data),
        }
        out += (
            b"%d 0 obj\n" % xref_number
            + pdf(trailer)
            + b"\nstream\n"
            + data
            + b"\nendstream\nendobj\n"
        )
        out += b"startxref\n%d\n%%%%EOF\n" % xref_at
        return bytes(out)


OBJECTS_PER_STREAM = 5000


# --- Joining ---------------------------------------------------------------------------------


def join(
    parts: list[Part],
    stamp: StampLayout,
    info: DocumentInfo,
    outline: list[Bookmark],
    labels: list[str],
) -> bytes:
    """One tagged PDF from the parts' pages, each with its stamp beneath it."""
    out = Output()
    catalog, pages_root, tree_root, document = (out.reserve() for _ in range(4))
    sources: dict[Path, _Copy] = {}
    plan: list[tuple[_Copy, int]] = []  # (file, page index there), in document order
    for part in parts:
        if part.path not in sources:
            sources[part.path] = _Copy(Source(part.path), len(sources), out, document)
        copy = sources[part.path]
        for index in range(part.first, part.first + part.pages):
            plan.append((copy, index))
    pages = [out.reserve() for _ in plan]
    for (copy, index), number in zip(plan, pages, strict=True):
        copy.assign(index, number)
    artifacts = _Stamp(Source(stamp.path), len(sources), out, stamp)
    if len(artifacts.layer_of) != len(plan):
        raise AssemblyError("the stamp has not one page per page of the document")
    kids: list[bytes] = []
    nums: list[bytes] = []
    for n, ((copy, index), number) in enumerate(zip(plan, pages, strict=True)):
        copy.copy_page(index, number, n, pages_root, artifacts.prefix(n), artifacts.layer_of[n])
        kids += copy.kids(index)
        nums.append(b"%d [%s]" % (n, copy.mcids(index)))
    ids: dict[str, int] = {}
    for copy in sources.values():
        copy.finish(artifacts)
        ids |= copy.ids
    out.put(pages_root, pdf({"Type": "/Pages", "Kids": pages, "Count": len(pages)}))
    out.put(
        document,
        b"<</Type /StructElem/S /Document/P %d 0 R/K [%s]>>" % (tree_root, b" ".join(kids)),
    )
    parent_tree = out.add(b"<</Nums [" + b" ".join(nums) + b"]>>")
    tree = {
        "Type": "/StructTreeRoot",
        "K": [document],
        "ParentTree": parent_tree,
        "ParentTreeNextKey": len(pages),
    }
    if ids:
        tree["IDTree"] = {
            "Names": [b for name in sorted(ids) for b in (text(name), Ref(ids[name]))]
        }
    out.put(tree_root, pdf(tree))
    root = {
        "Type": "/Catalog",
        "Pages": pages_root,
        "StructTreeRoot": tree_root,
        "MarkInfo": {"Marked": True},
        "Lang": info.lang,
        "ViewerPreferences": {"DisplayDocTitle": True},
    }
    if outline:
        root["Outlines"] = _outline(out, outline, pages, [copy.heights[i] for copy, i in plan])
        root["PageMode"] = "/UseOutlines"
    if labels:
        root["PageLabels"] = {"Nums": _page_labels(labels)}
    information, fields = _information(info)
    root["Metadata"] = out.add_stream(
        xmp(info, fields).encode(), {"Type": "/Metadata", "Subtype": "/XML"}, compress=False
    )
    if info.archival:
        profile = (files("weasyprint.pdf") / ICC_PROFILE).read_bytes()
        root["OutputIntents"] = [
            {
                "Type": "/OutputIntent",
                "S": "/GTS_PDFA1",
                "OutputConditionIdentifier": "sRGB IEC61966-2.1",
                "Info": f"sRGB IEC61966-2.1 ({ICC_PROFILE})",
                "DestOutputProfile": out.add_stream(profile, {"N": 3}),
            }
        ]
    out.put(catalog, pdf(root))
    seed = hashlib.md5((info.version_key or info.title).encode(), usedforsecurity=False).digest()
    return out.write(catalog, out.add(information), seed)


_PAGE_BOX = re.compile(rb"/(MediaBox|TrimBox|BleedBox) (\[[^\]]*\])")
_ID = re.compile(rb"\((\d+-\d+-\d+)\)")
_SUBSET = re.compile(rb"/(BaseFont|FontName) /([A-Z]{6})\+")
_NUMS = re.compile(rb"(\d+) \[([^\]]*)\]")


class _Copy:
    """The pages taken from one laid-out file, and every object they use, renumbered."""

    def __init__(self, source: Source, number: int, out: Output, document: Ref):
        self.source, self.number, self.out = source, number, out
        self.map: dict[int, int] = {}  # object number here -> in the document
        self.refs: dict[bytes, bytes] = {}  # b"12" here -> b"345 0 R" in the document
        self.page_numbers = source.pages()
        self.pages: dict[int, int] = {}  # page index here -> page object in the document
        self.ids: dict[str, int] = {}
        self.heights = [_page_height(source.body(n)) for n in self.page_numbers]
        self._kids: dict[int, list[int]] = {}
        self._mcids: dict[int, bytes] = {}
        self._resources: dict[tuple[int, int], Ref] = {}  # (resources here, layer)
        self._fonts: dict[int, Ref] = {}  # font dictionary here -> merged one (with the folio's)
        self._todo: list[int] = []
        catalog = source.body(source.root)
        tree = _ref(catalog, b"/StructTreeRoot")
        self.closed = {source.root, _ref(catalog, b"/Pages"), *self.page_numbers}
        if tree is not None:
            root = source.body(tree)
            top = int(_REF.search(re.search(rb"/K \[?([^\]>]*)", root).group(1)).group(1))
            self.map[top] = document  # the file's Document element becomes the document's
            self.refs[b"%d" % top] = b"%d 0 R" % document
            self.closed |= {tree, _ref(root, b"/ParentTree")}
            index_of = {n: i for i, n in enumerate(self.page_numbers)}
            for kid in _REF.findall(re.search(rb"/K \[([^\]]*)\]", source.body(top)).group(1)):
                page = _ref(source.body(int(kid)), b"/Pg")
                self._kids.setdefault(index_of[page], []).append(int(kid))
            nums = source.body(_ref(root, b"/ParentTree"))
            for index, refs in _NUMS.findall(nums):
                self._mcids[int(index)] = refs

    def assign(self, index: int, number: int) -> None:
        self.pages[index] = number
        self.map[self.page_numbers[index]] = number
        self.refs[b"%d" % self.page_numbers[index]] = b"%d 0 R" % number

    def _take(self, number: int) -> int:
        """The document's number for object `number` here, queueing it to be copied."""
        found = self.map.get(number)
        if found is None:
            if number in self.closed:
                raise AssemblyError(f"{self.source.path.name}: object {number} is not copied")
            found = self.map[number] = self.out.reserve()
            self.refs[b"%d" % number] = b"%d 0 R" % found
            self._todo.append(number)
        return found

    def kids(self, index: int) -> list[bytes]:
        return [b"%d 0 R" % self._take(kid) for kid in self._kids.get(index, ())]

    def mcids(self, index: int) -> bytes:
        return self._renumber(self._mcids.get(index, b""))

    def copy_page(
        self, index: int, number: int, n: int, parent: Ref, prefix: Ref, layer: int
    ) -> None:
        body = self.source.body(self.page_numbers[index])
        if b"/Annots" in body:
            raise AssemblyError("a laid-out page has annotations (links): not supported")
        boxes = b"".join(b"/%s %s" % box for box in _PAGE_BOX.findall(body))
        contents = self._take(_ref(body, b"/Contents"))
        resources = self._page_resources(_ref(body, b"/Resources"), layer)
        self.out.put(
            number,
            b"<</Type /Page/Parent %d 0 R%s/Contents [%d 0 R %d 0 R]/Resources %d 0 R"
            b"/Tabs /S/StructParents %d>>" % (parent, boxes, prefix, contents, resources, n),
        )

    def _page_resources(self, number: int, layer: int) -> Ref:
        """The file's resources (shared by its pages, as WeasyPrint writes them) with the
        page's stamp layer and the folio fonts added: one per layer (filled in by finish())."""
        if (number, layer) not in self._resources:
            self._resources[number, layer] = self.out.reserve()
        return self._resources[number, layer]

    def _renumber(self, body: bytes) -> bytes:
        """The body with its references renumbered, what they name queued to be copied (the
        hot loop of a join: one findall and one dictionary lookup per reference)."""
        refs = self.refs
        for number in _REF_NUMBER.findall(body):
            if number not in refs:
                self._take(int(number))
        return _REF.sub(lambda m: refs[m.group(1)], body)

    def finish(self, stamp: _Stamp) -> None:
        """Copy every object the pages use, with the names made unique in the document."""
        fonts = b"".join(b"/%s %d 0 R" % item for item in stamp.fonts.items())
        for (here, layer), mine in self._resources.items():
            xobjects = b"/GovStamp %d 0 R" % stamp.layers[layer]
            body = self.source.body(here)
            font = _ref(body, b"/Font")
            if font is None:
                body = body[:-2] + b"/Font <<" + fonts + b">>>>"
            else:  # the file's font dictionary with the folio's fonts added
                if font not in self._fonts:
                    merged = self._renumber(self.source.body(font))
                    self._fonts[font] = self.out.put(
                        self.out.reserve(), merged[:-2] + fonts + b">>"
                    )
                body = body.replace(b"/Font %d 0 R" % font, b"/Font @")
            body = self._renumber(body).replace(
                b"/Font @", b"/Font %d 0 R" % self._fonts.get(font, 0)
            )
            inline = re.search(rb"/XObject <<([^<>]*)>>", body)
            if inline:
                body = body[: inline.end() - 2] + xobjects + body[inline.end() - 2 :]
            else:
                body = body[:-2] + b"/XObject <<" + xobjects + b">>>>"
            self.out.put(mine, body)
        while self._todo:
            number = self._todo.pop()
            body = self.source.body(number)
            stream = body.endswith(b"endstream")
            if stream:
                split = body.index(b"stream")
                head, rest = body[:split], body[split:]
            else:
                head, rest = body, b""
            if b"/S /T" in head:  # table cells: header IDs unique in the document
                head = _ID.sub(lambda m: b"(b%d-%s)" % (self.number, m.group(1)), head)
                found = re.search(rb"/ID \(([^)]*)\)", head)
                if found:
                    self.ids[found.group(1).decode()] = self.map[number]
            if b"/FontName /" in head or b"/BaseFont /" in head:
                head = _SUBSET.sub(
                    lambda m: b"/%s /%s+" % (m.group(1), _subset_tag(m.group(2), self.number)), head
                )
            self.out.put(self.map[number], self._renumber(head) + rest, stream)


def _page_height(body: bytes) -> float:
    box = [float(v) for v in re.search(rb"/MediaBox \[([^\]]*)\]", body).group(1).split()]
    return box[3] - box[1]


def _subset_tag(tag: bytes, batch: int) -> bytes:
    """Six capital letters standing for (tag, file): two files' different subsets of a font
    carry the same tag, which must name one subset in a document."""
    digest = hashlib.sha256(tag + b"%d" % batch).digest()
    return bytes(65 + b % 26 for b in digest[:6])


class _Stamp:
    """The stamp's layers as shared form XObjects and its folios as text to draw per page."""

    def __init__(self, source: Source, number: int, out: Output, layout: StampLayout):
        self.out, self.layout = out, layout
        self.copy = _Copy(source, number, out, Ref(0))
        self.layer_of = layout.layer_of
        sheets = source.pages()
        self.layers = [self._form(source, page) for page in sheets[: len(layout.layers)]]
        resources = _ref(source.body(sheets[0]), b"/Resources")
        fonts_ref = _ref(source.body(resources), b"/Font")
        fonts = source.body(fonts_ref) if fonts_ref else b""
        self.fonts = {
            b"GF-" + name: Ref(self.copy._take(int(ref)))
            for name, ref in re.findall(rb"/([^\s/<>\[\]()]+) (\d+) 0 R", fonts)
        }
        lines = []
        for page in sheets[len(layout.layers) :]:
            content = source.decoded(_ref(source.body(page), b"/Contents"))
            lines += _text_lines(b"\n" + content)
        wanted = [f for f in layout.folios if f]
        if len(lines) != len(wanted):
            raise AssemblyError(f"the stamp has {len(lines)} folios, {len(wanted)} expected")
        self.lines = iter(lines)
        self.copy.finish(self)

    def _form(self, source: Source, page: int) -> Ref:
        body = source.body(page)
        head, data = source.stream_data(_ref(body, b"/Contents"))
        box = re.search(rb"/MediaBox (\[[^\]]*\])", body).group(1)
        form = {
            "Type": "/XObject",
            "Subtype": "/Form",
            "BBox": box,
            "Resources": Ref(self.copy._take(_ref(body, b"/Resources"))),
        }
        if b"/FlateDecode" in head:
            form["Filter"] = "/FlateDecode"
        form["Length"] = len(data)
        return self.out.put(
            self.out.reserve(), pdf(form) + b"\nstream\n" + data + b"\nendstream", True
        )

    def prefix(self, n: int) -> Ref:
        """Page n's first content stream: its layer, then its folio (pagination artifacts)."""
        layer = self.layer_of[n]
        landscape = self.layout.layers[layer][0]
        data = b"/Artifact <</Type /Pagination>> BDC q /GovStamp Do Q EMC\n"
        if self.layout.folios[n]:
            x, y, ops = next(self.lines)
            cell = FOLIO_CELL_CM * CM_PX
            if landscape:  # centred on a page wider by (297 - 210) mm
                x += (LANDSCAPE_MM - PORTRAIT_MM) / 20 * CM_PX
            top = FOLIO_TOP_CM * CM_PX + y % cell
            height = A4_POINTS[0] if landscape else A4_POINTS[1]
            ops = re.sub(rb"/([^\s/]+) ([\d.]+ Tf)", rb"/GF-\1 \2", ops)
            data += (
                b"/Artifact <</Type /Pagination /Subtype /Header>> BDC q 1 0 0 -1 0 %.6f cm "
                b"0.75 0 0 0.75 0 0 cm 0 0 0 rg\nBT\n1 0 0 -1 %.6f %.6f Tm\n%s\nET\nQ EMC\n"
                % (height, x, top, ops)
            )
        return self.out.add_stream(data)


# WeasyPrint draws consecutive lines of text in one BT … ET block: per line a text matrix
# ("1 0 0 -1 x y Tm"), the font when it changes ("/F 21.3 Tf") and the glyphs ("[…] TJ").
_TEXT_BLOCK = re.compile(rb"\nBT\n(.*?)\nET\n", re.DOTALL)
_TEXT_MATRIX = re.compile(rb"1 0 0 -1 ([-\d.]+) ([-\d.]+) Tm")


def _text_lines(data: bytes) -> list[tuple[float, float, bytes]]:
    """Every line of text a WeasyPrint content stream draws: (x, y, its font and glyph
    operators), in drawing order."""
    found: list[tuple[float, float, list[bytes]]] = []
    for block in _TEXT_BLOCK.finditer(data):
        font = None
        for line in block.group(1).split(b"\n"):
            matrix = _TEXT_MATRIX.fullmatch(line)
            if matrix:
                start = [font] if font else []
                found.append((float(matrix.group(1)), float(matrix.group(2)), start))
            elif not found:
                raise AssemblyError(f"a text operator before a text matrix: {line[:40]!r}")
            else:
                if line.endswith(b" Tf"):
                    font = line
                found[-1][2].append(line)
    return [(x, y, b"\n".join(ops)) for x, y, ops in found]


# --- Outline, page labels, information -----------------------------------------------------


def _outline(out: Output, outline: list[Bookmark], pages: list[Ref], heights: list[float]) -> Ref:
    """The bookmarks as an outline tree: an entry is the child of the nearest entry before it
    with a lower level."""
    root = out.reserve()
    nodes = [{"ref": root, "children": [], "level": 0, "closed": False}]
    stack = [nodes[0]]
    for mark in outline:
        while len(stack) > 1 and stack[-1]["level"] >= mark.level:
            stack.pop()
        node = {
            "ref": out.reserve(),
            "children": [],
            "level": mark.level,
            "closed": mark.closed,
            "parent": stack[-1]["ref"],
            "item": {
                "Title": mark.title,
                "Dest": [
                    pages[mark.page],
                    "/XYZ",
                    None,
                    round(heights[mark.page] - mark.top, 2),
                    None,
                ],
            },
        }
        stack[-1]["children"].append(node)
        stack.append(node)
        nodes.append(node)
    shown: dict[int, int] = {}
    for node in reversed(nodes):  # children before their parents
        children = node["children"]
        count = len(children) + sum(shown[child["ref"]] for child in children)
        shown[node["ref"]] = 0 if node["closed"] else count
        item = node.get("item", {"Type": "/Outlines"})
        if node is not nodes[0]:
            item["Parent"] = node["parent"]
        if children:
            item["First"], item["Last"] = children[0]["ref"], children[-1]["ref"]
            item["Count"] = -count if node["closed"] else count
        node["item"] = item
    for node in nodes:
        children = node["children"]
        for before, after in zip(children, children[1:], strict=False):
            before["item"]["Next"], after["item"]["Prev"] = after["ref"], before["ref"]
    for node in nodes:
        out.put(node["ref"], pdf(node["item"]))
    return root


_ARABIC = re.compile(r"[0-9]+")


def _page_labels(labels: list[str]) -> list:
    """/PageLabels as printed: a run of Arabic numbers is one decimal range; any other label
    (Thai letters ก ข …, Thai digits ๑ ๒ …, "ปก") is its page's own prefix (PDF's numbering
    styles are Latin only)."""
    nums: list = []
    previous = None
    for index, label in enumerate(labels):
        if _ARABIC.fullmatch(label):
            number = int(label)
            if previous is not None and previous + 1 == number:
                previous = number
                continue
            nums += [index, {"S": "/D", "St": number}]
            previous = number
        else:
            nums += [index, {"P": label}]
            previous = None
    return nums


ICC_PROFILE = "sRGB2014.icc"
VERSION_KEY = "ActionPlanVersion"  # information dictionary key of the render's content key


def _information(info: DocumentInfo) -> tuple[dict, dict[str, str]]:
    """The information dictionary, and its fields by their PDF keys for the XMP."""
    fields = {
        "/Title": info.title,
        "/Author": info.author,
        "/Subject": info.subject,
        "/Keywords": ", ".join(info.keywords),
        "/Creator": "ระบบแผนปฏิบัติการประจำปี (actionplan)",
        "/Producer": PRODUCER,
    }
    information = {key[1:]: value for key, value in fields.items() if value}
    if info.version_key:
        information[VERSION_KEY] = info.version_key
    return information, fields


def xmp(info: DocumentInfo, fields: dict[str, str]) -> str:
    """The XMP packet: Dublin Core, PDF and XMP basics equal to the information dictionary,
    the PDF/UA identification, and for an archived book the PDF/A one (with the extension
    schema PDF/A requires to declare pdfuaid)."""
    text = {key: escape(value) for key, value in fields.items()}
    lang = escape(info.lang)
    parts = [
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "<dc:format>application/pdf</dc:format>",
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text["/Title"]}</rdf:li></rdf:Alt></dc:title>',
        f"<dc:creator><rdf:Seq><rdf:li>{text['/Author']}</rdf:li></rdf:Seq></dc:creator>",
        f"<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>",
    ]
    if info.subject:
        parts.append(
            f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{text["/Subject"]}'
            "</rdf:li></rdf:Alt></dc:description>"
        )
    if info.keywords:
        subjects = "".join(f"<rdf:li>{escape(k)}</rdf:li>" for k in info.keywords)
        parts.append(f"<dc:subject><rdf:Bag>{subjects}</rdf:Bag></dc:subject>")
    parts.append("</rdf:Description>")
    parts.append(
        '<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">'
        f"<pdf:Producer>{text['/Producer']}</pdf:Producer>"
        + (f"<pdf:Keywords>{text['/Keywords']}</pdf:Keywords>" if info.keywords else "")
        + "</rdf:Description>"
    )
    parts.append(
        '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        f"<xmp:CreatorTool>{text['/Creator']}</xmp:CreatorTool></rdf:Description>"
    )
    parts.append(
        '<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
        "<pdfuaid:part>1</pdfuaid:part></rdf:Description>"
    )
    if info.archival:
        parts.append(
            '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
            "<pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"
            "</rdf:Description>"
        )
        parts.append(_PDFUA_EXTENSION)
    body = "\n".join(parts)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        f"{body}\n</rdf:RDF>\n</x:xmpmeta>\n" + " " * 512 + '\n<?xpacket end="w"?>'
    )


# PDF/A accepts only the XMP schemas it predefines or declares: pdfuaid is declared here.
_PDFUA_EXTENSION = """<rdf:Description rdf:about=""
 xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>"""
