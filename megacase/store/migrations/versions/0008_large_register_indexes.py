"""indexes for a register of 100,000 cases: the duplicate-address check and the dates the lists read

The check for a subject already known by an address compares ``lower(email)``, which the
plain index on ``email`` cannot serve: every new subject scanned the whole table. The case
list is read in order of receipt, and the dashboard's history reads the cases received or
closed in the last twelve months.

Revision ID: 0008_large_register_indexes
Revises: 0007
Create Date: 2026-11-29
"""
from alembic import op


revision = '0008_large_register_indexes'
down_revision = '0007'
branch_labels = None
depends_on = None

INDEXES = (("ix_subjects_email_lower", "subjects (lower(email))"),
           ("ix_cases_received_at", "cases (received_at)"),
           ("ix_cases_received_on", "cases (received_on)"),
           ("ix_cases_closed_at", "cases (closed_at)"),
           ("ix_cases_decided_at", "cases (decided_at)"))


def upgrade() -> None:
    for name, target in INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def downgrade() -> None:
    for name, _target in reversed(INDEXES):
        op.execute(f"DROP INDEX IF EXISTS {name}")
