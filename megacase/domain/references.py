"""Case references: ``DSR-<year>-<number>``, numbered from 1 in each year of receipt.

The number has at least four digits (``DSR-2027-0001``) and simply grows past 9,999
(``DSR-2027-10000``); references compare by year, then number, never as text.
"""

from __future__ import annotations

import re

PREFIX = "DSR"
_PATTERN = re.compile(rf"^{PREFIX}-(\d{{4}})-(\d+)$")


def case_reference(year: int, number: int) -> str:
    return f"{PREFIX}-{year}-{number:04d}"


def parse_case_reference(reference: str) -> tuple[int, int] | None:
    """(year, number), or None for text that is not a case reference."""
    m = _PATTERN.match(reference.strip().upper())
    return (int(m.group(1)), int(m.group(2))) if m else None


def reference_sort_key(reference: str) -> str:
    """Text that sorts as the references' numbers do (for sort roles and ORDER BY-free lists)."""
    parsed = parse_case_reference(reference)
    if parsed is None:
        return reference
    return f"{PREFIX}-{parsed[0]:04d}-{parsed[1]:012d}"
