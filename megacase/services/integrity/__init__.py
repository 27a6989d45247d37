"""Keeping the register whole: backups, their verification and restore."""
