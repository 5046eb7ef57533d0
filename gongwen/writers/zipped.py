"""A zip whose bytes depend only on its entries (the DOCX and OFD packages):
fixed order, timestamps and permissions, no clock time."""
from __future__ import annotations

import io
import zipfile
from typing import Callable, Iterable

ZIP_TIME = (1980, 1, 1, 0, 0, 0)        # the zip epoch


def fixed_zip(entries: Iterable[tuple[str, bytes]], create_system: int,
              level: Callable[[str], int] = lambda name: 6) -> bytes:
    """The entries in their order, deflated at level(name).  create_system is kept as
    each format has always written it (DOCX 0, MS-DOS; OFD 3, Unix): same data, same bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            info.create_system = create_system
            z.writestr(info, data, compresslevel=level(name))
    return buf.getvalue()
