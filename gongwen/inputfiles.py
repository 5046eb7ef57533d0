"""Every file the program reads on the data's word, read bounded.

Two kinds of input:

* text inputs — the data file, a batch template, a batch's rows (CSV/YAML):
  `read_bounded` refuses what is not a regular file by its type before
  reading a byte (a FIFO, /dev/zero, a terminal would never end), refuses a
  file over its size limit by its size, and reads at most that many bytes;
* files the data names — seal images, the 签名章 image, 附件 PDFs: besides
  type and size, their parsing is bounded: it runs in a forked child under an
  address-space cap and a time limit (`bounded`), and a PDF's streams are
  decompressed there, counted, and refused past STREAM_BYTES (a 1 MB file
  whose page is a 1 GB flate bomb), so nothing huge is ever read, decoded or
  copied into the archive.

Each refusal is a Chinese sentence naming the file and the limit.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import GongwenError, Problem

MB = 1024 * 1024
DATA_BYTES = 2 * MB            # a notice (or a batch template) is a few KB
ROWS_BYTES = 64 * MB           # a CSV of 100 000 rows of a few hundred bytes
ROWS_YAML_BYTES = 8 * MB       # YAML is parsed in pure Python: beyond this use CSV
IMAGE_BYTES = 20 * MB          # a seal scanned at 1200 dpi is under 2 MB
IMAGE_PIXELS = 16_000_000      # 4000 × 4000: 64 MB decoded as RGBA
PDF_BYTES = 100 * MB           # an 附件 PDF
PDF_PAGES = 2_000
STREAM_BYTES = 64 * MB         # one stream of an 附件 PDF, decompressed
PDF_DECODED_BYTES = 512 * MB   # all its streams together, decompressed
PARSE_SECONDS = 10.0           # to open and check one named file
PARSE_MEMORY = 768 * MB        # address space the check may add to the process


def _mb(n: int) -> str:
    return f"{n // MB} MB" if n >= MB else f"{n // 1024} KB"


_KINDS = ((stat.S_ISDIR, "一个文件夹"), (stat.S_ISFIFO, "一个命名管道（FIFO）"),
          (stat.S_ISCHR, "一个字符设备（如 /dev/zero、终端）"), (stat.S_ISBLK, "一个块设备（磁盘）"),
          (stat.S_ISSOCK, "一个套接字"))


def kind_problem(st: os.stat_result) -> str | None:
    """Why a file of this type cannot be read as an input, or None for a regular file."""
    if stat.S_ISREG(st.st_mode):
        return None
    for test, what in _KINDS:
        if test(st.st_mode):
            return f"这是{what}，不是普通文件，不能读取。"
    return "这不是普通文件，不能读取。"


def named_file_problem(path: Path) -> str | None:
    """Why a file the data names cannot be opened at all (missing, a folder,
    a FIFO …), as the end of a sentence naming it; None when it is a regular file."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):              # missing, NUL bytes, a name too long …
        return "不存在。"
    problem = kind_problem(st)
    return problem.removeprefix("这") if problem else None


def check_file(path: Path, limit: int, what: str, hint: str = "") -> os.stat_result:
    """The file's status if it is a regular file within `limit` bytes; else a GongwenError."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise GongwenError(Problem(f"{what}不存在。", "检查文件路径和文件名", file=path))
    except PermissionError:
        raise GongwenError(Problem(f"没有权限读取{what}。", "检查文件权限，或把文件复制到自己的文件夹", file=path))
    except (OSError, ValueError) as e:
        raise GongwenError(Problem(f"无法读取{what}（{getattr(e, 'strerror', None) or e}）。", file=path))
    problem = kind_problem(st)
    if problem:
        raise GongwenError(Problem(problem, f"给出{what}（一个普通文件）的路径", file=path))
    if st.st_size > limit:
        raise GongwenError(Problem(f"{what}过大（{_size(st.st_size)}，上限 {_mb(limit)}）。",
                                   hint or f"{what}不超过 {_mb(limit)}", file=path))
    return st


def read_bounded(path: Path, limit: int, what: str, hint: str = "") -> bytes:
    """The bytes of a regular file of at most `limit` bytes; refused by type and size first."""
    path = Path(path)
    check_file(path, limit, what, hint)
    try:
        # O_NONBLOCK: should the name have become a FIFO since the check, opening it does not wait
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_BINARY", 0))
    except OSError as e:
        raise GongwenError(Problem(f"无法读取{what}（{e.strerror or e}）。", file=path))
    with os.fdopen(fd, "rb") as f:
        problem = kind_problem(os.fstat(fd))
        if problem:
            raise GongwenError(Problem(problem, f"给出{what}（一个普通文件）的路径", file=path))
        data = f.read(limit + 1)          # the file may have grown since the check
    if len(data) > limit:
        raise GongwenError(Problem(f"{what}过大（超过 {_mb(limit)} 的上限）。", hint or f"{what}不超过 {_mb(limit)}",
                                   file=path))
    return data


def _size(n: int) -> str:
    if n >= 1024 * MB:
        return f"{n / 1024 / MB:.1f} GB"
    if n >= MB:
        return f"{n / MB:.1f} MB"
    return f"{n // 1024} KB"


# -- files the data names: checked in a bounded child ------------------------------

class Timeout(Exception):
    pass


class OutOfMemory(Exception):
    pass


def bounded(fn, *args, seconds: float | None = None, memory: int | None = None):
    """fn(*args) in a forked child under an address-space cap and a time limit:
    a parser stuck in one C call or asking for gigabytes is killed, not waited
    for.  Returns what fn returns (it must pickle); raises Timeout or
    OutOfMemory.  Where there is no fork (Windows) fn runs here, unbounded."""
    import pickle
    import select
    import signal
    seconds = PARSE_SECONDS if seconds is None else seconds
    memory = PARSE_MEMORY if memory is None else memory
    if not hasattr(os, "fork"):
        return fn(*args)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:                                          # the child: never returns
        status = 0
        try:
            os.close(r)
            _cap_memory(memory)
            try:
                payload = pickle.dumps(("ok", fn(*args)))
            except MemoryError:
                payload = pickle.dumps(("memory", None))
            except BaseException as e:                    # noqa: BLE001 — reported to the parent
                payload = pickle.dumps(("error", f"{type(e).__name__}: {e}"[:500]))
            view = memoryview(payload)
            while view:
                view = view[os.write(w, view):]
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(w)
    import time
    chunks, deadline = [], time.monotonic() + seconds
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([r], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                raise Timeout()
            chunk = os.read(r, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(r)
        os.waitpid(pid, 0)
    if not chunks:
        raise OutOfMemory()                               # killed or crashed (a C library's abort on malloc)
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "memory":
        raise OutOfMemory()
    if kind == "error":
        raise RuntimeError(value)
    return value


def _cap_memory(extra: int) -> None:
    try:
        import resource
        with open("/proc/self/statm") as f:
            now = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (now + extra, now + extra))
    except (OSError, ValueError, ImportError):
        pass


def image_problem(path: Path) -> str | None:
    """Why a seal image cannot be used, or None: type, size, pixels, decoding."""
    try:
        check_file(path, IMAGE_BYTES, "图片文件")
    except GongwenError as e:
        return e.problems[0].message.removeprefix("图片文件")
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as e:
        return f"无法读取（{e.strerror or e}）。"
    if not (head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff")):
        return "不是真正的 PNG 或 JPEG 图片（文件内容不对）。"
    try:
        return bounded(_check_image, str(path))
    except Timeout:
        return f"无法在 {PARSE_SECONDS:g} 秒内读出，已停止。"
    except OutOfMemory:
        return f"解码所需内存过大（超过 {_mb(PARSE_MEMORY)}）。"
    except RuntimeError:
        return "已损坏，无法读取。"


def _check_image(path: str) -> str | None:
    from PIL import Image  # lazy: Pillow only for a seal or 签名章 image
    Image.MAX_IMAGE_PIXELS = IMAGE_PIXELS
    try:
        with Image.open(path) as im:
            w, h = im.size
            if w * h > IMAGE_PIXELS:
                return f"过大（{w}×{h} 像素，上限 {IMAGE_PIXELS // 1_000_000} 百万像素，如 4000×4000）。"
            im.verify()
        with Image.open(path) as im:
            im.load()
    except Image.DecompressionBombError:
        return f"过大（超过 {IMAGE_PIXELS // 1_000_000} 百万像素，如 4000×4000）。"
    except Exception:                                    # PIL raises many kinds on broken files
        return "已损坏，无法读取。"
    return None


def pdf_problem(path: Path) -> str | None:
    """Why an 附件 PDF cannot be appended, or None: type, size, pages, the
    decompressed size of every stream."""
    try:
        check_file(path, PDF_BYTES, "PDF 文件")
    except GongwenError as e:
        return e.problems[0].message.removeprefix("PDF 文件")
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError as e:
        return f"无法读取（{e.strerror or e}）。"
    if b"%PDF-" not in head:
        return "不是真正的 PDF 文件（文件头不对）。"
    try:
        return bounded(_check_pdf, str(path))
    except Timeout:
        return f"无法在 {PARSE_SECONDS:g} 秒内读完，已停止（文件可能已损坏，或内容异常复杂）。"
    except OutOfMemory:
        return f"读取所需内存过大（超过 {_mb(PARSE_MEMORY)}），可能含有解压后极大的内容。"
    except RuntimeError:
        return "已损坏，无法读取。"


def _check_pdf(path: str) -> str | None:
    import logging
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    from pypdf import PdfReader
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            return "有密码保护，无法合并。"
        pages = len(reader.pages)
    except Exception:                                    # pypdf raises many kinds on broken files
        return "已损坏，无法读取。"
    if pages == 0:
        return "没有任何页面。"
    if pages > PDF_PAGES:
        return f"页数过多（{pages} 页，上限 {PDF_PAGES} 页）。"
    try:
        pdf = pikepdf.open(path)
    except Exception:
        return "已损坏，无法读取。"
    with pdf:
        total = 0
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Stream):
                continue
            size = _decoded_size(obj, STREAM_BYTES)
            if size is None:
                continue                                 # a filter kept as it is (JPEG …): stored, not decoded
            if size > STREAM_BYTES:
                return f"含有解压后超过 {_mb(STREAM_BYTES)} 的内容（对象 {obj.objgen[0]}），无法安全合并。"
            total += size
            if total > PDF_DECODED_BYTES:
                return f"解压后的内容合计超过 {_mb(PDF_DECODED_BYTES)}，无法安全合并。"
    return None


def _decoded_size(stream, limit: int) -> int | None:
    """Bytes the stream decodes to, counted without holding them (Flate
    decoded piecewise, stopping past `limit`); None for filters the PDF
    writer keeps encoded (images in JPEG, JBIG2 …)."""
    import zlib
    import pikepdf  # lazy: pikepdf (~43 ms) only where a PDF is finished or read
    filters = stream.get("/Filter")
    names = [str(f) for f in (filters if isinstance(filters, pikepdf.Array) else [filters] if filters else [])]
    if not names:
        return len(stream.read_raw_bytes())
    if names == ["/FlateDecode"]:
        d = zlib.decompressobj()
        raw = stream.read_raw_bytes()
        size = 0
        try:
            for i in range(0, len(raw), 65536):
                buf = raw[i:i + 65536]
                while buf:
                    size += len(d.decompress(buf, 1 << 20))
                    if size > limit:
                        return size
                    buf = d.unconsumed_tail
                if d.eof:
                    break
        except zlib.error:
            pass                                         # broken data: the writer keeps it as it is
        return size
    if set(names) & {"/DCTDecode", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode"}:
        return None
    try:
        return len(stream.read_bytes())                  # LZW, RunLength …: under the child's memory cap
    except Exception:
        return None
