"""XML character data and attribute values, escaped (xml.sax.saxutils would
pull in urllib: 20 ms of imports for two replacements)."""
from __future__ import annotations


def escape(text: str) -> str:
    """XML character data."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """An attribute value, in double quotes (whitespace kept as character references)."""
    return '"' + escape(text).replace('"', "&quot;").replace("\n", "&#10;").replace(
        "\r", "&#13;").replace("\t", "&#9;") + '"'
