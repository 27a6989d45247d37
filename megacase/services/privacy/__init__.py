"""privacy: see docs/architecture.md."""
