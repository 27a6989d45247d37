"""letters: drop approved_by / approved_at, never written (four-eyes approvals live in the approvals table)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite 3.35+ (SQLCipher 4.5+) drops an unindexed column in place: no table copy, nothing else touched.
    op.drop_column('letters', 'approved_at')
    op.drop_column('letters', 'approved_by')


def downgrade() -> None:
    op.add_column('letters', sa.Column('approved_by', sa.String(length=80), nullable=True))
    op.add_column('letters', sa.Column('approved_at', sa.DateTime(), nullable=True))
