"""Web helpers shared by every feature: template globals, form fields, page helpers, links, refusals."""
