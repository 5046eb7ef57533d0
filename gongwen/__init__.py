"""gongwen: GB/T 9704-2012 red-header documents (公文) from structured data.

Flow: reader (YAML → model) → layout (pure geometry) → writers (PDF, DOCX).
"""
