"""cases: see docs/architecture.md."""
