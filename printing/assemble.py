"""The last step of every printed document: join the laid-out parts' pages into one tagged PDF
(docs/decisions/pdf-ua-and-pdfa.md).

WeasyPrint lays out the parts (chunk batches, front matter) as tagged PDFs and the stamp (folios,
running footer, draft watermark) as an untagged one; this module, with pypdf's object model:

- copies the parts' pages and merges their structure trees into one (a page's structure
  elements are its own in WeasyPrint's trees, so a page carries its elements with it);
- puts the stamp beneath every page as pagination artifacts: the footer and watermark of an
  orientation are one form XObject shared by all its pages; each folio is the text drawing of
  one cell of the stamp's folio sheets, moved to the top of its page;
- writes the outline (bookmarks), the page labels (ก, ข … then ๑, ๒ …, as printed), the
  document information, the XMP metadata (PDF/UA-1, and PDF/A-3b for an archived book with
  its sRGB output intent) and the file itself, with its objects in compressed object streams.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)
from weasyprint import __version__ as WEASYPRINT_VERSION

PRODUCER = f"WeasyPrint {WEASYPRINT_VERSION}, pypdf (actionplan printing)"
CM_PX = 96 / 2.54  # CSS px per cm
FOLIO_CELL_CM = 1.0  # height of one folio's cell on the stamp's folio sheets (stamp.css)
FOLIO_TOP_CM = 1.1  # where a folio's box starts on its page (as stamp.css placed it before)
PORTRAIT_MM, LANDSCAPE_MM = 210, 297


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


# --- Joining ----------------------------------------------------------------------------------


def join(
    parts: list[Part],
    stamp: StampLayout,
    info: DocumentInfo,
    outline: list[Bookmark],
    labels: list[str],
) -> bytes:
    """One tagged PDF from the parts' pages, each with its stamp page beneath it."""
    writer = PdfWriter()
    writer.pdf_header = "%PDF-1.7"
    # Every reader stays referenced until the writer is written: pypdf maps copied objects by
    # id(reader), and a collected reader's id reused by the next one mixes up their objects.
    readers: dict[Path, PdfReader] = {}
    trees: dict[Path, _Tree | None] = {}
    structure = _Structure(writer)
    batches: dict[Path, int] = {}
    for part in parts:
        if part.path not in readers:
            readers[part.path] = PdfReader(str(part.path))
            trees[part.path] = _Tree.read(readers[part.path], structure.document_ref)
            batches[part.path] = len(batches)
        reader, tree = readers[part.path], trees[part.path]
        for index in range(part.first, part.first + part.pages):
            page = writer.add_page(reader.pages[index])
            structure.add_page(page, tree, index, batch=batches[part.path])
    _overlay(writer, stamp)
    structure.finish()
    _add_outline(writer, outline)
    _add_page_labels(writer, labels)
    _add_info(writer, info)
    return _write_compact(writer)


class _Tree:
    """The structure tree of one laid-out PDF: its top-level elements and MCID arrays per page."""

    def __init__(self, kids: dict[int, list], parents: dict[int, object]):
        self.kids = kids
        self.parents = parents

    @classmethod
    def read(cls, reader: PdfReader, document_ref) -> _Tree | None:
        root = reader.trailer["/Root"]
        if "/StructTreeRoot" not in root:
            return None
        tree_root = root["/StructTreeRoot"].get_object()
        top = tree_root["/K"]
        top = top[0] if isinstance(top, ArrayObject) else top
        page_index = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
        kids: dict[int, list] = {}
        for kid in top.get_object()["/K"]:
            element = kid.get_object()
            # The element's parent becomes the joined document's Document element, so copying
            # it never pulls in this file's whole tree.
            element[NameObject("/P")] = document_ref
            kids.setdefault(page_index[element.raw_get("/Pg").idnum], []).append(kid)
        nums = tree_root["/ParentTree"].get_object()["/Nums"]
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        return cls(kids, parents)


class _Structure:
    """The joined document's structure tree, built page by page."""

    def __init__(self, writer: PdfWriter):
        self.writer = writer
        self.tree_root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
        self.root_ref = writer._add_object(self.tree_root)
        self.document = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/StructElem"),
                NameObject("/S"): NameObject("/Document"),
                NameObject("/P"): self.root_ref,
                NameObject("/K"): ArrayObject(),
            }
        )
        self.document_ref = writer._add_object(self.document)
        self.nums = ArrayObject()
        self.ids: dict[str, IndirectObject] = {}
        self.pages = 0

    def add_page(self, page, tree: _Tree | None, index: int, batch: int) -> None:
        number = self.pages
        self.pages += 1
        if tree is None:
            return
        before = len(self.writer._objects)
        for kid in tree.kids.get(index, ()):
            self.document["/K"].append(kid.clone(self.writer))
        mapping = tree.parents.get(index)
        self.nums += [
            NumberObject(number),
            mapping.clone(self.writer) if mapping else ArrayObject(),
        ]
        page[NameObject("/StructParents")] = NumberObject(number)
        page[NameObject("/Tabs")] = NameObject("/S")
        self._unique_ids(before, batch)

    def _unique_ids(self, start: int, batch: int) -> None:
        """Table header IDs are unique within one laid-out file (its object numbers): prefix
        them with the file's number in this join, and list them in the IDTree."""
        objects = self.writer._objects
        for number in range(start, len(objects)):
            element = objects[number]
            if not isinstance(element, DictionaryObject) or "/S" not in element:
                continue
            kind = element["/S"]
            if kind == "/TH" and "/ID" in element:
                name = f"b{batch}-{element['/ID']}"
                element[NameObject("/ID")] = TextStringObject(name)
                self.ids[name] = IndirectObject(number + 1, 0, self.writer)
            if kind in ("/TD", "/TH") and "/A" in element:
                attributes = element["/A"]
                if "/Headers" in attributes:
                    attributes[NameObject("/Headers")] = ArrayObject(
                        TextStringObject(f"b{batch}-{h}") for h in attributes["/Headers"]
                    )

    def finish(self) -> None:
        writer = self.writer
        self.tree_root[NameObject("/K")] = ArrayObject([self.document_ref])
        parent_tree = DictionaryObject({NameObject("/Nums"): self.nums})
        self.tree_root[NameObject("/ParentTree")] = writer._add_object(parent_tree)
        self.tree_root[NameObject("/ParentTreeNextKey")] = NumberObject(self.pages)
        if self.ids:
            names = ArrayObject()
            for name in sorted(self.ids):
                names += [TextStringObject(name), self.ids[name]]
            self.tree_root[NameObject("/IDTree")] = DictionaryObject({NameObject("/Names"): names})
        root = writer._root_object
        root[NameObject("/StructTreeRoot")] = self.root_ref
        root[NameObject("/MarkInfo")] = DictionaryObject({NameObject("/Marked"): _true()})
        root[NameObject("/ViewerPreferences")] = DictionaryObject(
            {NameObject("/DisplayDocTitle"): _true()}
        )


def _true():
    from pypdf.generic import BooleanObject

    return BooleanObject(True)


# --- The stamp ----------------------------------------------------------------------------------

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
                found.append(
                    (float(matrix.group(1)), float(matrix.group(2)), [font] if font else [])
                )
            elif not found:
                raise AssemblyError(f"unexpected text operator before a text matrix: {line[:40]!r}")
            else:
                if line.endswith(b" Tf"):
                    font = line
                found[-1][2].append(line)
    return [(x, y, b"\n".join(ops)) for x, y, ops in found]


_PAGE_FLIP = {False: 841.889764, True: 595.275591}  # A4 height in points, portrait/landscape
_ARTIFACT_LAYER = b"/Artifact <</Type /Pagination>> BDC q /GovStamp Do Q EMC\n"
_ARTIFACT_FOLIO = b"/Artifact <</Type /Pagination /Subtype /Header>> BDC q /GovFolio Do Q EMC\n"


def _overlay(writer: PdfWriter, stamp: StampLayout) -> None:
    """Draw each page's stamp beneath it: "q /GovStamp Do Q" (and its folio) prepended to the
    page's content, so no content stream of the parts is parsed or rewritten."""
    reader = PdfReader(str(stamp.path))
    layers = []
    for index in range(len(stamp.layers)):
        layers.append(writer._add_object(_form_xobject(reader.pages[index], writer)))
    folio_pages = reader.pages[len(stamp.layers) :]
    folio_forms = _folio_forms(writer, folio_pages, stamp.folios)
    prefixes = {}
    for has_folio in (False, True):
        call = DecodedStreamObject()
        call.set_data((_ARTIFACT_FOLIO if has_folio else b"") + _ARTIFACT_LAYER)
        prefixes[has_folio] = writer._add_object(call)
    if len(writer.pages) != len(stamp.layer_of):
        raise AssemblyError("the stamp has not one page per page of the document")
    for page, layer, folio in zip(writer.pages, stamp.layer_of, folio_forms, strict=True):
        landscape = page.mediabox.width > page.mediabox.height
        _own_resources(page)
        resources = page["/Resources"]
        xobjects = resources.get("/XObject")
        xobjects = DictionaryObject(xobjects.get_object()) if xobjects else DictionaryObject()
        xobjects[NameObject("/GovStamp")] = layers[layer]
        if folio is not None:
            xobjects[NameObject("/GovFolio")] = folio(landscape)
        resources[NameObject("/XObject")] = xobjects
        contents = page.raw_get("/Contents")
        existing = (
            list(contents.get_object())
            if isinstance(contents.get_object(), ArrayObject)
            else [contents]
        )
        page[NameObject("/Contents")] = ArrayObject([prefixes[folio is not None], *existing])


def _folio_forms(writer: PdfWriter, sheets, folios: list[str | None]) -> list:
    """For every page, None or a function(landscape) -> its folio's form XObject: the text
    WeasyPrint drew in the folio's cell, moved from the cell to the page's top centre."""
    blocks = []
    for sheet in sheets:
        # Only the fonts: WeasyPrint shares one resource dictionary between all the stamp's
        # pages, the watermark picture included.
        fonts = sheet["/Resources"].raw_get("/Font").clone(writer)
        resources = writer._add_object(DictionaryObject({NameObject("/Font"): fonts}))
        blocks += [(line, resources) for line in _text_lines(_content(sheet))]
    wanted = [f for f in folios if f]
    if len(blocks) != len(wanted):
        raise AssemblyError(f"the stamp has {len(blocks)} folios, {len(wanted)} expected")
    cell = FOLIO_CELL_CM * CM_PX
    shift = (LANDSCAPE_MM - PORTRAIT_MM) / 20 * CM_PX  # centred on a wider page
    found = iter(blocks)
    forms: list = []
    for folio in folios:
        if not folio:
            forms.append(None)
            continue
        (x, y, text), resources = next(found)
        top = FOLIO_TOP_CM * CM_PX + y % cell

        def make(landscape: bool, x=x, top=top, text=text, resources=resources):
            height = _PAGE_FLIP[landscape]
            width = _PAGE_FLIP[not landscape]
            form = DecodedStreamObject()
            form.set_data(
                f"1 0 0 -1 0 {height} cm 0.75 0 0 0.75 0 0 cm 0 0 0 rg\nBT\n"
                f"1 0 0 -1 {x + (shift if landscape else 0):.6f} {top:.6f} Tm\n".encode()
                + text
                + b"\nET\n"
            )
            form.update(
                {
                    NameObject("/Type"): NameObject("/XObject"),
                    NameObject("/Subtype"): NameObject("/Form"),
                    NameObject("/BBox"): ArrayObject(
                        [FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)]
                    ),
                    NameObject("/Resources"): resources,
                }
            )
            return writer._add_object(form)

        forms.append(make)
    return forms


def _content(page) -> bytes:
    contents = page["/Contents"]
    if isinstance(contents, ArrayObject):
        return b"\n".join(part.get_object().get_data() for part in contents)
    return b"\n" + contents.get_object().get_data()


def _form_xobject(page, writer) -> StreamObject:
    """A stamp page as a form XObject owned by the writer."""
    form = DecodedStreamObject()
    form.set_data(_content(page))
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(page.mediabox)
    form[NameObject("/Resources")] = page.raw_get("/Resources").clone(writer)
    return form.flate_encode()


def _own_resources(page) -> None:
    """Give a page its own resource dictionary before adding to it.

    WeasyPrint shares one /Resources dictionary between all pages of a document; adding the
    page's stamp to it would add every stamp to every page."""
    resources = page["/Resources"].get_object()
    copy = DictionaryObject()
    for name, value in resources.items():
        target = value.get_object()
        copy[NameObject(name)] = (
            DictionaryObject(target) if isinstance(target, DictionaryObject) else value
        )
    page[NameObject("/Resources")] = copy


# --- Outline, page labels, information -----------------------------------------------------


def _add_outline(writer: PdfWriter, outline: list[Bookmark]) -> None:
    """The bookmarks as an outline tree: an entry is the child of the nearest entry before it
    with a lower level."""
    if not outline:
        return
    root = DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
    root_ref = writer._add_object(root)
    stack: list[tuple[int, DictionaryObject, IndirectObject, list]] = [(0, root, root_ref, [])]
    nodes = []
    for mark in outline:
        while len(stack) > 1 and stack[-1][0] >= mark.level:
            stack.pop()
        page = writer.pages[mark.page]
        height = float(page.mediabox.height)
        item = DictionaryObject(
            {
                NameObject("/Title"): TextStringObject(mark.title),
                NameObject("/Dest"): ArrayObject(
                    [
                        page.indirect_reference,
                        NameObject("/XYZ"),
                        NullObject(),
                        FloatObject(round(height - mark.top, 2)),
                        NullObject(),
                    ]
                ),
            }
        )
        ref = writer._add_object(item)
        stack[-1][3].append((item, ref))
        item[NameObject("/Parent")] = stack[-1][2]
        node = (mark.level, item, ref, [])
        nodes.append((node, mark.closed))
        stack.append(node)

    def link(parent: DictionaryObject, children: list) -> int:
        """Sibling links; returns how many entries show under `parent` when it is open."""
        if not children:
            return 0
        parent[NameObject("/First")] = children[0][1]
        parent[NameObject("/Last")] = children[-1][1]
        for (item, _), (_, after) in zip(children, children[1:], strict=False):
            item[NameObject("/Next")] = after
        for (_, before), (item, _) in zip(children, children[1:], strict=False):
            item[NameObject("/Prev")] = before
        return len(children)

    counts: dict[int, int] = {}
    for (_level, item, _ref, children), closed in reversed(nodes):
        shown = link(item, children) + sum(counts.get(id(child), 0) for child, _ in children)
        if shown:
            item[NameObject("/Count")] = NumberObject(-shown if closed else shown)
        counts[id(item)] = 0 if closed else shown
    top = stack[0][3]
    link(root, top)
    root[NameObject("/Count")] = NumberObject(
        len(top) + sum(counts.get(id(item), 0) for item, _ in top)
    )
    writer._root_object[NameObject("/Outlines")] = root_ref
    writer._root_object[NameObject("/PageMode")] = NameObject("/UseOutlines")


_ARABIC = re.compile(r"[0-9]+")


def _add_page_labels(writer: PdfWriter, labels: list[str]) -> None:
    """/PageLabels as printed: a run of Arabic numbers is one decimal range; any other label
    (Thai letters ก ข …, Thai digits ๑ ๒ …, "ปก") is its page's own prefix (PDF's numbering
    styles are Latin only)."""
    nums = ArrayObject()
    previous = None
    for index, label in enumerate(labels):
        if _ARABIC.fullmatch(label):
            number = int(label)
            if previous is not None and previous + 1 == number:
                previous = number
                continue
            entry = {NameObject("/S"): NameObject("/D"), NameObject("/St"): NumberObject(number)}
            previous = number
        else:
            entry = {NameObject("/P"): TextStringObject(label)}
            previous = None
        nums += [NumberObject(index), DictionaryObject(entry)]
    if nums:
        writer._root_object[NameObject("/PageLabels")] = DictionaryObject(
            {NameObject("/Nums"): nums}
        )


ICC_PROFILE = "sRGB2014.icc"
VERSION_KEY_NAME = "/ActionPlanVersion"


def _add_info(writer: PdfWriter, info: DocumentInfo) -> None:
    """Document information, language, XMP (PDF/UA-1; PDF/A-3b when archival), file ID."""
    fields = {
        "/Title": info.title,
        "/Author": info.author,
        "/Subject": info.subject,
        "/Keywords": ", ".join(info.keywords),
        "/Creator": "ระบบแผนปฏิบัติการประจำปี (actionplan)",
        "/Producer": PRODUCER,
    }
    if info.version_key:
        fields[VERSION_KEY_NAME] = info.version_key
    writer._info.clear()
    writer.add_metadata({key: value for key, value in fields.items() if value})
    root = writer._root_object
    root[NameObject("/Lang")] = TextStringObject(info.lang)
    metadata = DecodedStreamObject()  # never filtered (PDF/A)
    metadata.set_data(xmp(info, fields).encode())
    metadata.update(
        {NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")}
    )
    root[NameObject("/Metadata")] = writer._add_object(metadata)
    if info.archival:
        profile = (files("weasyprint.pdf") / ICC_PROFILE).read_bytes()
        icc = DecodedStreamObject()
        icc.set_data(profile)
        icc[NameObject("/N")] = NumberObject(3)
        intent = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/OutputIntent"),
                NameObject("/S"): NameObject("/GTS_PDFA1"),
                NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB IEC61966-2.1"),
                NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1 (" + ICC_PROFILE + ")"),
                NameObject("/DestOutputProfile"): writer._add_object(icc.flate_encode()),
            }
        )
        root[NameObject("/OutputIntents")] = ArrayObject([intent])
    seed = hashlib.md5((info.version_key or info.title).encode(), usedforsecurity=False).digest()
    writer._ID = ArrayObject([ByteStringObject(seed), ByteStringObject(seed)])


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


# --- Writing ---------------------------------------------------------------------------------

OBJECTS_PER_STREAM = 5000


def _write_compact(writer: PdfWriter) -> bytes:
    """The file, as pypdf writes it but with every object that is not a stream in compressed
    object streams and a cross-reference stream (PDF 1.5+), as WeasyPrint writes its own: a
    tagged book has hundreds of thousands of small structure objects."""
    writer._resolve_links()
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    objects = writer._objects
    offsets: dict[int, tuple[int, int, int]] = {}
    packed: list[int] = []
    for number, obj in enumerate(objects, start=1):
        if obj is None:
            continue
        if isinstance(obj, StreamObject):
            offsets[number] = (1, out.tell(), 0)
            out.write(f"{number} 0 obj\n".encode())
            obj.write_to_stream(out)
            out.write(b"\nendobj\n")
        else:
            packed.append(number)
    next_number = len(objects) + 1
    for start in range(0, len(packed), OBJECTS_PER_STREAM):
        numbers = packed[start : start + OBJECTS_PER_STREAM]
        body = io.BytesIO()
        header = []
        for index, number in enumerate(numbers):
            header.append(f"{number} {body.tell()}")
            objects[number - 1].write_to_stream(body)
            body.write(b"\n")
            offsets[number] = (2, next_number, index)
        head = (" ".join(header) + "\n").encode()
        data = zlib.compress(head + body.getvalue(), 6)
        offsets[next_number] = (1, out.tell(), 0)
        out.write(
            f"{next_number} 0 obj\n<< /Type /ObjStm /N {len(numbers)} /First {len(head)} "
            f"/Filter /FlateDecode /Length {len(data)} >>\nstream\n".encode()
        )
        out.write(data)
        out.write(b"\nendstream\nendobj\n")
        next_number += 1
    xref_number = next_number
    xref_at = out.tell()
    offsets[xref_number] = (1, xref_at, 0)
    size = xref_number + 1
    width = max(4, (xref_at.bit_length() + 7) // 8)
    rows = bytearray()
    for number in range(size):
        kind, a, b = offsets.get(number, (0, 0, 0 if number else 65535))
        rows += kind.to_bytes(1, "big") + a.to_bytes(width, "big") + b.to_bytes(2, "big")
    data = zlib.compress(bytes(rows), 6)
    trailer = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/XRef"),
            NameObject("/Size"): NumberObject(size),
            NameObject("/W"): ArrayObject([NumberObject(1), NumberObject(width), NumberObject(2)]),
            NameObject("/Root"): writer._root_object.indirect_reference,
            NameObject("/Filter"): NameObject("/FlateDecode"),
            NameObject("/Length"): NumberObject(len(data)),
        }
    )
    if writer._info is not None:
        trailer[NameObject("/Info")] = writer._info.indirect_reference
    if writer._ID is not None:
        trailer[NameObject("/ID")] = writer._ID
    out.write(f"{xref_number} 0 obj\n".encode())
    trailer.write_to_stream(out)
    out.write(b"\nstream\n" + data + b"\nendstream\nendobj\n")
    out.write(f"startxref\n{xref_at}\n%%EOF\n".encode())
    return out.getvalue()
