"""The merged print file of numbered copies (`--copies 1-100000 --copies-merged`),
streamed to disk: memory stays flat whatever the count.

One copy is drawn and finished as usual (writers/pdf.render_pdf_copies,
pdfa.finish_copies): every page a form XObject, PDF/A-1b metadata, output
intent, fonts whose subsets hold the characters of every 份号.  That small
file is the *template*.  The print file is then written object by object:

* the template's objects as they are (fonts, forms, 附件 PDF pages, metadata);
* for every copy, its pages: each page places its form (the same content
  stream for every copy) and the first page also draws the copy's 份号 — the
  drawing operators ReportLab made for that number, kept in a spool file
  while the template was drawn, so no more than one copy is ever in memory;
* a balanced page tree and a number tree of page labels (PDF/A-1 keeps
  arrays under 8 191 elements: one /Kids of 600 000 pages would break it),
  the catalog, the cross-reference table and a document ID derived from the
  bytes (the same data gives the same file).

Memory does not grow with the count: the copies' cross-reference lines go
to a temporary file too, and what is kept per object (the template's, the
trees' nodes) is a few thousand offsets; the list of 份号 itself is 65 bytes a
copy (6.5 MB at the 100 000 copies --copies allows).
"""
from __future__ import annotations

import hashlib
import io
import struct
import tempfile
import zlib
from array import array
from pathlib import Path
from typing import BinaryIO, Callable

from .files import atomic_write_all
from .pdfa import finish_copies, label_entries
from .writers.pdf import render_pdf_copies

FANOUT = 64                # kids of a page tree node
LABELS_PER_LEAF = 512      # (page index, label) pairs in a leaf of the page-label tree
HEADER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"     # PDF/A-1: a comment of four bytes over 127 after the header


def write_merged(path: Path, lay, doc, fonts, numbers: list[str],
                 progress: Callable[[int, int], None] | None = None) -> int:
    """Write the merged print file of `lay` (padded to an even page count) for
    every 份号 in `numbers` to `path` (atomically); returns the page count."""
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read


    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=path.parent) as spool:     # on the output's disk: a full disk is that one
        first: list[bytes] = []

        def keep(number: str, ops: bytes) -> None:
            if not first:
                first.append(ops)
            spool.write(struct.pack("<I", len(ops)))
            spool.write(ops)

        drawn = render_pdf_copies(lay, doc, fonts, numbers, keep)
        template = pikepdf.open(io.BytesIO(finish_copies(drawn, lay, doc)))
        del drawn
        spool.seek(0)

        def ops_of_each_copy():
            read = spool.read
            for k in range(len(numbers)):
                (size,) = struct.unpack("<I", read(4))
                yield read(size)
                if progress:
                    progress(k + 1, len(numbers))

        with template:
            plan = _Plan(template, lay, numbers, first[0])
            atomic_write_all({path: lambda f: plan.write(f, ops_of_each_copy(), path.parent)})
    return len(lay.pages) * len(numbers)


class _Writer:
    """Bytes to a file, with an MD5 of all of them and the offset of each object:
    of the objects numbered from `streamed` on (the copies', written in the
    order of their numbers), as cross-reference lines in a temporary file."""

    def __init__(self, f: BinaryIO, streamed: int, xref: BinaryIO):
        self.f = f
        self.at = 0
        self.md5 = hashlib.md5()
        self.offsets = array("Q", bytes(8 * streamed))
        self.streamed = streamed
        self.next = streamed              # the next number the streamed objects must have
        self.xref = xref
        self.buf = bytearray()

    def raw(self, data: bytes) -> None:
        self.buf += data
        if len(self.buf) > 1 << 16:
            self.flush()

    def flush(self) -> None:
        data = bytes(self.buf)
        self.f.write(data)
        self.md5.update(data)
        self.at += len(data)
        self.buf.clear()

    def _place(self, num: int) -> None:
        at = self.at + len(self.buf)
        if num < self.streamed:
            self.offsets[num] = at
        else:
            assert num == self.next, (num, self.next)
            self.xref.write(b"%010d 00000 n \n" % at)
            self.next += 1

    def obj(self, num: int, body: bytes) -> None:
        self._place(num)
        self.raw(b"%d 0 obj\n%s\nendobj\n" % (num, body))

    def stream(self, num: int, head: bytes, data: bytes) -> None:
        """`head`: the stream dictionary's entries other than /Length."""
        self._place(num)
        self.raw(b"%d 0 obj\n<< %s /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (num, head, len(data), data))


def _text_string(s: str) -> bytes:
    """A PDF text string: ASCII as a literal, anything else as UTF-16BE with its BOM."""
    if s.isascii() and s.isprintable():
        return b"(" + s.encode("ascii").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
    return b"<" + ("\ufeff" + s).encode("utf-16-be").hex().upper().encode() + b">"


def _entries(d, *leave_out: str) -> bytes:
    """A dictionary's entries (other objects by reference) as PDF syntax, without the keys named."""
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    kept = pikepdf.Dictionary({k: d[k] for k in d.keys() if k not in leave_out})
    text = kept.unparse(resolved=True)
    assert text.startswith(b"<<") and text.endswith(b">>")
    return text[2:-2].strip()


def _levels(count: int) -> list[int]:
    """How many nodes each level of a tree over `count` leaves has, bottom up, FANOUT kids a node."""
    sizes = []
    while True:
        count = -(-count // FANOUT)
        sizes.append(count)
        if count == 1:
            return sizes


class _Plan:
    """Object numbers of everything the print file holds, fixed before the first byte."""

    def __init__(self, template, lay, numbers: list[str], first_ops: bytes):
        import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read

        self.template = template
        self.numbers = numbers
        self.n = n = len(lay.pages)
        root = template.Root
        pages = [p.obj for p in template.pages]
        assert len(pages) == n
        self.catalog = root.objgen[0]
        self.page_root = root.Pages.objgen[0]
        self.template_pages = [p.objgen[0] for p in pages]
        contents = pages[0].Contents
        assert isinstance(contents, pikepdf.Stream), "page 1 is drawn as one content stream"
        self.first_content = contents.objgen[0]
        prefix, found, suffix = contents.read_bytes().partition(first_ops)
        assert found and first_ops not in suffix, "the first 份号 is where the writer drew it"
        self.first_page = (prefix, suffix)
        self.skip = {self.catalog, self.page_root, self.first_content, *self.template_pages}
        self.info = template.trailer.Info.objgen[0]
        top = max(o.objgen[0] for o in template.objects if o.objgen != (0, 0))
        nxt = top + 1

        # each template page's dictionary without /Parent and /Contents; its resources an object of their own
        self.resources: dict[bytes, int] = {}
        self.page_heads: list[bytes] = []
        self.page_contents: list[bytes] = []      # pages after the first: the template's content, by reference
        for i, page in enumerate(pages):
            res = page.Resources
            if res.is_indirect:
                ref = b"%d 0 R" % res.objgen[0]
            else:
                text = res.unparse(resolved=True)
                if text not in self.resources:
                    self.resources[text] = nxt
                    nxt += 1
                ref = b"%d 0 R" % self.resources[text]
            self.page_heads.append(b"/Resources " + ref + b" " + _entries(page, "/Type", "/Parent", "/Contents", "/Resources"))
            self.page_contents.append(page.Contents.unparse(resolved=False) if i else b"")

        # the page tree: level 0 the pages, the top level the root (the template's /Pages)
        self.total = n * len(numbers)
        self.page_levels = _levels(self.total)
        self.page_level_base: list[int] = []
        for size in self.page_levels[:-1]:
            self.page_level_base.append(nxt)
            nxt += size
        # the page labels: the same entries for every copy, shifted by its first page
        self.labels = [(i, style, start, prefix) for i, style, start, prefix in label_entries(lay)]
        pairs = len(self.labels) * len(numbers)
        self.label_leaves = -(-pairs // LABELS_PER_LEAF)
        self.label_levels = _levels(self.label_leaves) if self.label_leaves > 1 else []
        self.label_leaf_base = nxt
        nxt += self.label_leaves + sum(self.label_levels)     # leaves, then each level above them
        self.copies_base = nxt                                # copy k ≥ 1: its n pages, then its first page's content
        self.size = nxt + (len(numbers) - 1) * (n + 1)

    # -- numbering ---------------------------------------------------------------

    def page_number(self, p: int) -> int:
        k, i = divmod(p, self.n)
        return self.template_pages[i] if k == 0 else self.copies_base + (k - 1) * (self.n + 1) + i

    def content_number(self, k: int) -> int:
        return self.first_content if k == 0 else self.copies_base + (k - 1) * (self.n + 1) + self.n

    def node_number(self, level: int, j: int) -> int:
        """Node j of page-tree level `level` (1: the pages' parents)."""
        if level == len(self.page_levels):
            return self.page_root
        return self.page_level_base[level - 1] + j

    def label_node(self, level: int, j: int) -> int:
        """Node j of the label tree's level (0: the leaves); the last level is the root."""
        return self.label_leaf_base + sum(([self.label_leaves] + self.label_levels)[:level]) + j

    @property
    def label_root(self) -> int:
        return self.label_node(len(self.label_levels), 0)

    # -- writing -------------------------------------------------------------------

    def write(self, f: BinaryIO, ops_of_each_copy, folder: Path) -> None:
        with tempfile.TemporaryFile(dir=folder) as xref:
            self._write(_Writer(f, self.copies_base, xref), ops_of_each_copy)

    def _write(self, w: _Writer, ops_of_each_copy) -> None:
        import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
        w.raw(HEADER)
        for obj in self.template.objects:
            num, gen = obj.objgen
            if num == 0 or num in self.skip:
                continue
            assert gen == 0
            if isinstance(obj, pikepdf.Stream):
                raw = obj.read_raw_bytes()
                w.stream(num, _entries(obj.stream_dict, "/Length"), raw)
            else:
                w.obj(num, obj.unparse(resolved=True))
        for text, num in self.resources.items():
            w.obj(num, text)

        prefix, suffix = self.first_page
        pending: list[bytes] = []            # the page-label pairs of the leaf being filled
        leaf_limits: list[tuple[int, int]] = []
        for k, ops in enumerate(ops_of_each_copy):
            first = k * self.n
            for i in range(self.n):
                p = first + i
                contents = b"%d 0 R" % self.content_number(k) if i == 0 else self.page_contents[i]
                w.obj(self.page_number(p), b"<< /Type /Page /Parent %d 0 R /Contents %s %s >>"
                      % (self.node_number(1, p // FANOUT), contents, self.page_heads[i]))
            w.stream(self.content_number(k), b"/Filter /FlateDecode", zlib.compress(prefix + ops + suffix))
            label = _text_string
            for i, style, start, name in self.labels:
                entry = [b"/P " + label(self.numbers[k] + "-" + (name or ""))]
                if style:
                    entry += [b"/S /" + style.encode(), b"/St %d" % (start or 0)]   # a style comes with its start
                pending.append(b"%d << %s >>" % (first + i, b" ".join(entry)))
                if len(pending) == LABELS_PER_LEAF:
                    self._label_leaf(w, pending, leaf_limits)
        if pending:
            self._label_leaf(w, pending, leaf_limits)
        assert k == len(self.numbers) - 1 and len(leaf_limits) == self.label_leaves
        self._label_tree(w, leaf_limits)
        self._page_tree(w)
        catalog = self.template.Root
        w.obj(self.catalog, b"<< /Type /Catalog /Pages %d 0 R /PageLabels %d 0 R %s >>" % (
            self.page_root, self.label_root, _entries(catalog, "/Type", "/Pages", "/PageLabels")))
        self._xref(w)

    def _label_leaf(self, w: _Writer, pending: list[bytes], limits: list[tuple[int, int]]) -> None:
        lo, hi = int(pending[0].split(b" ", 1)[0]), int(pending[-1].split(b" ", 1)[0])
        num = self.label_node(0, len(limits))
        bounds = b"" if self.label_leaves == 1 else b" /Limits [ %d %d ]" % (lo, hi)   # the root has none
        w.obj(num, b"<< /Nums [ %s ]%s >>" % (b" ".join(pending), bounds))
        limits.append((lo, hi))
        pending.clear()

    def _label_tree(self, w: _Writer, limits: list[tuple[int, int]]) -> None:
        below = limits
        for level in range(1, len(self.label_levels) + 1):
            here = []
            for j in range(-(-len(below) // FANOUT)):
                kids = range(j * FANOUT, min(len(below), (j + 1) * FANOUT))
                lo, hi = below[kids[0]][0], below[kids[-1]][1]
                root = level == len(self.label_levels)
                w.obj(self.label_node(level, j), b"<< /Kids [ %s ]%s >>" % (
                    b" ".join(b"%d 0 R" % self.label_node(level - 1, c) for c in kids),
                    b"" if root else b" /Limits [ %d %d ]" % (lo, hi)))
                here.append((lo, hi))
            below = here

    def _page_tree(self, w: _Writer) -> None:
        top = len(self.page_levels)
        span = 1                                   # pages under one node of the level below
        for level, size in enumerate(self.page_levels, 1):
            for j in range(size):
                if level == 1:
                    kids = [self.page_number(p) for p in range(j * FANOUT, min(self.total, (j + 1) * FANOUT))]
                else:
                    kids = [self.node_number(level - 1, c)
                            for c in range(j * FANOUT, min(self.page_levels[level - 2], (j + 1) * FANOUT))]
                count = min(self.total, (j + 1) * span * FANOUT) - j * span * FANOUT
                parent = b"" if level == top else b" /Parent %d 0 R" % self.node_number(level + 1, j // FANOUT)
                w.obj(self.node_number(level, j), b"<< /Type /Pages /Kids [ %s ] /Count %d%s >>" % (
                    b" ".join(b"%d 0 R" % c for c in kids), count, parent))
            span *= FANOUT

    def _xref(self, w: _Writer) -> None:
        w.flush()
        missing = [num for num in range(1, self.copies_base) if not w.offsets[num]]
        assert not missing and w.next == self.size, f"objects never written: {missing[:10]}, {w.next}/{self.size}"
        start = w.at
        digest = w.md5.hexdigest().upper().encode()
        w.raw(b"xref\n0 %d\n0000000000 65535 f \n" % self.size)
        for num in range(1, self.copies_base):
            w.raw(b"%010d 00000 n \n" % w.offsets[num])
        w.xref.seek(0)
        while chunk := w.xref.read(1 << 16):
            w.raw(chunk)
        w.raw(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [ <%s> <%s> ] >>\nstartxref\n%d\n%%%%EOF\n"
              % (self.size, self.catalog, self.info, digest, digest, start))
        w.flush()
