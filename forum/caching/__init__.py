"""The speed layer: cached rendered HTML and memoized values, with their invalidation rules (see ARCHITECTURE.md)."""
