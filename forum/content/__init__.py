"""Content concerns shared by every feature: Markdown rendering, citations, attachments."""
