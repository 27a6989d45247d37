"""Use cases: plain data in and out, one transaction per user action."""
