"""gongwen: GB/T 9704-2012 red-header documents (公文) from structured data.

Flow: reader (YAML → model) → layout (pure geometry) → writers (PDF, DOCX).
"""

import logging as _logging

# fontTools logs font-file quirks (fsSelection bits, head timestamps of an 附件
# PDF's fonts) as warnings for font developers; what a clerk reads is ours.
_logging.getLogger("fontTools").setLevel(_logging.ERROR)
