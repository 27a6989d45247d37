"""What each external system held for a subject, as the officer collected it (migration 0005_system_findings).

A *finding* is one record per collection or erasure at one system for one case:
where it came from (a connector, an export file, or a statement that nothing is
held), when, who, and the SHA-256 of exactly what was received. Everything that
could be personal (the rows, the original file, its name, the system's answer,
the officer's words) is sealed under the subject's key, so erasure shreds it;
the clear columns hold only codes, counts, category names and hashes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from megacase.store.orm import Base


class SystemFinding(Base):
    __tablename__ = "system_findings"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processors.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))            # search | erasure
    source: Mapped[str] = mapped_column(String(20))          # connector | file | statement
    outcome: Mapped[str] = mapped_column(String(20))         # found | nothing_held | erased | kept | task | dry_run
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    recorded_by: Mapped[str] = mapped_column(String(80))
    sha256: Mapped[str] = mapped_column(String(64))          # of what was received (file bytes, API answer)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    categories: Mapped[str | None] = mapped_column(Text)     # comma-separated category codes, no personal data
    ground: Mapped[str | None] = mapped_column(Text)         # kept: the legal ground
    data_enc: Mapped[bytes | None] = mapped_column(LargeBinary)      # sealed JSON: rows by category, how, answer
    file_enc: Mapped[bytes | None] = mapped_column(LargeBinary)      # sealed original export file
    filename_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    mime_type: Mapped[str | None] = mapped_column(String(100))


class PackageWithholding(Base):
    """Art. 15(4): a row or a field left out of the access package, with the reason (sealed)."""

    __tablename__ = "package_withholdings"
    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("system_findings.id"), index=True)
    category: Mapped[str] = mapped_column(String(60))
    row_index: Mapped[int] = mapped_column(Integer)          # 0-based row within the category
    field: Mapped[str | None] = mapped_column(String(100))   # None: the whole row
    reason_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(80))
