"""integrity: see docs/architecture.md."""
