"""A WordprocessingML package opened for reading: its parts found through their relationships
(ECMA-376 Part 2, Open Packaging Conventions), parsed safely, and its styles looked up once per
style id.  Serves :mod:`pipeline.extract.docx`.

The main part is whatever ``_rels/.rels`` names as the office document, so ``.docx``,
``.docm`` (macros: never run, never read), ``.dotx`` and ``.dotm`` (templates) read alike;
Strict OOXML namespaces are read as their transitional twins.  Parts are parsed without
entities, DTDs or network access, comments and processing instructions dropped.
"""
from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import regex
from lxml import etree

from ..controls import shelter_xml
from ..lexicon import word_styles
from .sniff import ExtractError

if TYPE_CHECKING:  # extract imports the readers; Limits is only named here
    from .limits import Limits

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_STRICT = ((b"http://purl.oclc.org/ooxml/wordprocessingml/main",
            b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"),
           (b"http://purl.oclc.org/ooxml/officeDocument/relationships",
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
           (b"http://purl.oclc.org/ooxml/officeDocument/math",
            b"http://schemas.openxmlformats.org/officeDocument/2006/math"))
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                          remove_pis=True)
_DOCTYPE = regex.compile(rb"<!(?:DOCTYPE|ENTITY)", regex.IGNORECASE)
# The main part's content type, by the kind of file it makes (ECMA-376 Part 1 §11.3.10; MS-OFFMACRO2).
KINDS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "docm",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "dotx",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "dotm",
}


def check_docx(path: Path, limits: Limits) -> None:
    """Refuse a DOCX before any part is parsed: not a ZIP, neither ``word/document.xml`` nor a
    package relationship naming the main part (:class:`Package` follows it), parts that
    would inflate beyond the limit (a ZIP bomb; the sizes a ZIP declares bound what Python's
    zipfile inflates), or an XML part declaring a DOCTYPE or entities (XXE, billion laughs —
    Word never writes one)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if "word/document.xml" not in names and "_rels/.rels" not in names:  # else Package finds the main part
                raise ExtractError("ZIP archive without word/document.xml: not a DOCX")
            inflated = sum(m.file_size for m in members)
            if inflated > limits.max_bytes:
                raise ExtractError(f"DOCX would inflate to {inflated / 2**20:.0f} MB, over the {limits.max_mb} MB "
                                   "limit (--max-input-mb): refused")
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as fh:
                        head = fh.read(4096)
                    if _DOCTYPE.search(head):
                        raise ExtractError(f"DOCX part {member.filename} declares a DOCTYPE or entities: refused")
    except zipfile.BadZipFile:
        raise ExtractError("not a valid ZIP archive (a truncated or corrupt DOCX)") from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        raise ExtractError("the DOCX cannot be unpacked (a ZIP archive encrypted, cut short or compressed in a way "
                           "polyplan cannot read)") from None


def parse_part(data: bytes, name: str) -> etree._Element:
    """A part's XML root.  A character XML 1.0 forbids (``&#x1B;``) is sheltered and parsed
    (:func:`pipeline.controls.shelter_xml`); anything else not well formed is an ExtractError."""
    if _DOCTYPE.search(data[:4096]):
        raise ExtractError(f"DOCX part {name} declares a DOCTYPE or entities: refused")
    for strict, transitional in _STRICT:
        if strict in data:
            data = data.replace(strict, transitional)
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        pass
    try:
        return etree.fromstring(shelter_xml(data), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ExtractError(f"DOCX part {name} is not well-formed XML (line {exc.lineno})") from None


class Package:
    """The parts of a WordprocessingML package: the main part and those it relates to."""

    def __init__(self, path: Path):
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError):
            raise ExtractError("not a valid ZIP archive (a truncated or corrupt DOCX)") from None
        self.names = {n.lower(): n for n in self.zip.namelist()}
        self.types = self._content_types()
        main = next((t for _i, t, kind in self._rels("") if kind == "officeDocument"), "word/document.xml")
        if main.lower() not in self.names:
            raise ExtractError("ZIP archive without word/document.xml: not a DOCX")
        self.main = main
        self.kind = KINDS.get(self.content_type(main), "docx")
        self.related = {rid: (target, kind) for rid, target, kind in self._rels(main)}

    def close(self) -> None:
        self.zip.close()

    def read(self, name: str) -> bytes:
        return self.zip.read(self.names[name.lower()])

    def xml(self, name: str) -> etree._Element:
        return parse_part(self.read(name), name)

    def content_type(self, name: str) -> str:
        return self.types.get("/" + name.lower()) or self.types.get(posixpath.splitext(name)[1][1:].lower(), "")

    def part_of(self, kind: str) -> etree._Element | None:
        """The main part's related part of a relationship type (``styles``, ``numbering``,
        ``footnotes``, ``endnotes``, ``settings``), parsed, or None."""
        target = next((t for t, k in self.related.values() if k == kind), None)
        return self.xml(target) if target and target.lower() in self.names else None

    def _content_types(self) -> dict[str, str]:
        if "[content_types].xml" not in self.names:
            return {}
        root = self.xml("[Content_Types].xml")
        types = {d.get("Extension", "").lower(): d.get("ContentType", "") for d in root.iter(f"{_CT}Default")}
        types.update({o.get("PartName", "").lower(): o.get("ContentType", "") for o in root.iter(f"{_CT}Override")})
        return types

    def _rels(self, source: str) -> list[tuple[str, str, str]]:
        """(id, target part name, type's last segment) of a part's internal relationships."""
        folder, base = posixpath.split(source)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if rels.lower() not in self.names:
            return []
        out = []
        for rel in self.xml(rels).iter(_REL):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External" or not target:
                continue
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out.append((rel.get("Id", ""), name, rel.get("Type", "").rsplit("/", 1)[-1]))
        return out


def on(element) -> bool | None:
    """An ST_OnOff property element's value (``<w:b/>``, ``<w:b w:val="0"/>``); None when absent."""
    if element is None:
        return None
    return element.get(f"{W}val", "true").lower() not in ("0", "false", "off")


class Styles:
    """``styles.xml`` read once: per style id its heading level (from its name: ``Heading 2``,
    ``Заголовок 2``, ``Title``), its numbering (``numPr``, through ``basedOn``) and a character
    style's bold; a paragraph without a style (or with an unknown one) has the default style."""

    def __init__(self, root: etree._Element | None):
        self.styles: dict[str, etree._Element] = {}
        self.default = {"paragraph": None, "character": None}
        self._num: dict[str | None, tuple[str | None, str | None]] = {}
        self._heading: dict[str | None, int] = {}
        self._bold: dict[str | None, bool] = {}
        for style in root.iterchildren(f"{W}style") if root is not None else ():
            self.styles[style.get(f"{W}styleId")] = style
            kind = style.get(f"{W}type", "paragraph")
            if style.get(f"{W}default") in ("1", "true", "on") and kind in self.default:
                self.default[kind] = style.get(f"{W}styleId")

    def paragraph_style(self, p_pr) -> str | None:
        style = p_pr.find(f"{W}pStyle") if p_pr is not None else None
        sid = style.get(f"{W}val") if style is not None else None
        return sid if sid in self.styles else self.default["paragraph"]

    def heading(self, sid: str | None) -> int:
        if sid not in self._heading:
            name = self._name(sid)
            heading, titles = word_styles()
            m = heading.match(name)
            self._heading[sid] = int(m.group(1)) if m else 1 if name.casefold() in titles else 0
        return self._heading[sid]

    def bold(self, r_pr) -> bool:
        """Is a run bold: by its own ``w:b``, else by its character style's."""
        own = on(r_pr.find(f"{W}b")) if r_pr is not None else None
        if own is not None:
            return own
        ref = r_pr.find(f"{W}rStyle") if r_pr is not None else None
        sid = ref.get(f"{W}val") if ref is not None else self.default["character"]
        if sid not in self._bold:
            style = self.styles.get(sid)
            b = style.find(f"{W}rPr/{W}b") if style is not None else None
            self._bold[sid] = bool(on(b))
        return self._bold[sid]

    def num_pr(self, sid: str | None) -> tuple[str | None, str | None]:
        """(numId, ilvl) a paragraph style gives, through its ``basedOn`` chain (each may be None)."""
        if sid not in self._num:
            num_id = ilvl = None
            seen, cur = set(), sid
            while cur in self.styles and cur not in seen and (num_id is None or ilvl is None):
                seen.add(cur)
                style = self.styles[cur]
                num = style.find(f"{W}pPr/{W}numPr")
                if num is not None:
                    num_id = num_id or _val(num, "numId")
                    ilvl = ilvl or _val(num, "ilvl")
                based = style.find(f"{W}basedOn")
                cur = based.get(f"{W}val") if based is not None else None
            self._num[sid] = (num_id, ilvl)
        return self._num[sid]

    def _name(self, sid: str | None) -> str:
        style = self.styles.get(sid)
        name = style.find(f"{W}name") if style is not None else None
        return name.get(f"{W}val", "") if name is not None else ""


def _val(element, name: str) -> str | None:
    child = element.find(f"{W}{name}")
    return child.get(f"{W}val") if child is not None else None
