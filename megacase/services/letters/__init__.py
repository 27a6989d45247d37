"""letters: see docs/architecture.md."""
