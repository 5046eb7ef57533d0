"""PDF/A-1b building blocks shared by pdfa.py (the PDF we draw) and attachpdf.py
(the check of an 附件 PDF, underlaid as pdfa.py would): the document
information and XMP packet, the sRGB output intent, a page's underlay, the
save settings.  pikepdf is imported in each function: a run that makes no PDF
(check, DOCX or OFD only) never loads it (~43 ms)."""
from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from pathlib import Path

from . import spec
from .xmltext import escape

MM = 1 / spec.PT                       # points per mm
CREATOR = "gongwen (GB/T 9704-2012)"
PRODUCER = "gongwen"
# 成文日期 carry no time; they are dated at midnight, China Standard Time.
TZ = _dt.timezone(_dt.timedelta(hours=8))


def save_kwargs() -> dict:
    """The pikepdf.Pdf.save settings PDF/A-1b needs: `pikepdf.pdfa.resolve_save_kwargs(
    "1b", deterministic_id=True)` returns exactly these (a test keeps them equal)."""
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    return dict(
        preserve_pdfa=True, encryption=None, qdf=False, normalize_content=False,
        stream_decode_level=pikepdf.StreamDecodeLevel.generalized, fix_metadata_version=False,
        object_stream_mode=pikepdf.ObjectStreamMode.disable, force_version="1.4",
        compress_streams=True, recompress_flate=False, linearize=False, progress=None,
        deterministic_id=True, static_id=False, min_version="")


def set_metadata(pdf, title: str, author: str, subject: str | None, keywords: str,
                 date: _dt.date | None) -> None:
    """Document information and the XMP packet, with the same values (PDF/A-1 §6.7.3)."""
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    info: dict[str, str] = {"/Title": title, "/Author": author, "/Creator": CREATOR, "/Producer": PRODUCER}
    if subject:
        info["/Subject"] = subject
    if keywords:
        info["/Keywords"] = keywords
    stamp = None
    if date is not None:
        when = _dt.datetime(date.year, date.month, date.day, tzinfo=TZ)
        stamp = when.isoformat()
        info["/CreationDate"] = info["/ModDate"] = when.strftime("D:%Y%m%d%H%M%S+08'00'")
    d = pikepdf.Dictionary({k: pikepdf.String(v) for k, v in info.items() if v})
    pdf.trailer.Info = pdf.make_indirect(d)

    def alt(v: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(v)}</rdf:li></rdf:Alt>'

    props = [f"<dc:title>{alt(title)}</dc:title>"]
    if author:
        props.append(f"<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>")
    if subject:
        props.append(f"<dc:description>{alt(subject)}</dc:description>")
    if keywords:
        props.append(f"<pdf:Keywords>{escape(keywords)}</pdf:Keywords>")
    props.append(f"<xmp:CreatorTool>{escape(CREATOR)}</xmp:CreatorTool>")
    props.append(f"<pdf:Producer>{escape(PRODUCER)}</pdf:Producer>")
    if stamp:
        props += [f"<xmp:CreateDate>{stamp}</xmp:CreateDate>",
                  f"<xmp:ModifyDate>{stamp}</xmp:ModifyDate>",
                  f"<xmp:MetadataDate>{stamp}</xmp:MetadataDate>"]
    props += ["<pdfaid:part>1</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>"]
    body = "\n      ".join(props)
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '    <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        ' xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">\n'
        f'      {body}\n'
        '    </rdf:Description>\n'
        '  </rdf:RDF>\n'
        '</x:xmpmeta>\n'
        '<?xpacket end="w"?>')
    pdf.Root.Metadata = pdf.make_stream(packet.encode("utf-8"), Type=pikepdf.Name.Metadata,
                                        Subtype=pikepdf.Name.XML)


@lru_cache(maxsize=1)
def _srgb() -> bytes:
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    return (Path(pikepdf.__file__).parent / "pdfa" / "data" / "sRGB.icc").read_bytes()


def set_output_intent(pdf) -> None:
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    icc = pikepdf.Stream(pdf, _srgb())
    icc.N = 3
    intent = pikepdf.Dictionary(Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
                                OutputConditionIdentifier=pikepdf.String("sRGB"),
                                Info=pikepdf.String("sRGB"), DestOutputProfile=pdf.make_indirect(icc))
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])


def underlay(page, form, name: str) -> None:
    """Page.add_underlay with a fixed resource name (pikepdf picks a random one,
    and the same data must give the same bytes)."""
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    placed = page.add_resource(form, pikepdf.Name.XObject, pikepdf.Name(name))
    rect = pikepdf.Rectangle(0, 0, spec.PAGE_WIDTH * MM, spec.PAGE_HEIGHT * MM)
    page.contents_add(page.calc_form_xobject_placement(form, placed, rect, allow_shrink=True,
                                                       allow_expand=True), prepend=True)
    page.contents_coalesce()
