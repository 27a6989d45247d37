"""mail: see docs/architecture.md."""
