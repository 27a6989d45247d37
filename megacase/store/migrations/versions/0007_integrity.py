"""integrity: signed events (each user's or the workstation's Ed25519 key, each event's signature), and
changes of where mail goes awaiting a manager's approval

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'signing_keys',
        sa.Column('id', sa.Integer(), primary_key=True),
        # a user's name, or "workstation" for the key kept in this computer's keyring
        sa.Column('owner', sa.String(80), nullable=False, index=True),
        sa.Column('public_key', sa.LargeBinary(32), nullable=False, unique=True),
        # the private half under the user's password (Argon2id + AES-256-GCM); empty for the workstation key
        sa.Column('wrapped_private', sa.LargeBinary(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('retired_at', sa.DateTime(), nullable=True),
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signing_key_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('signature', sa.LargeBinary(64), nullable=True))
    op.create_table(
        'route_changes',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('target', sa.String(120), nullable=False),          # "settings" or "processor <name>"
        sa.Column('processor_id', sa.Integer(), sa.ForeignKey('processors.id'), nullable=True),
        sa.Column('changes', sa.Text(), nullable=False),               # JSON: key -> [old, new]
        sa.Column('status', sa.String(20), nullable=False),            # pending | applied | sent_back
        sa.Column('requested_by', sa.String(80), nullable=False),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('reviewed_by', sa.String(80), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(), nullable=True),
        sa.Column('comment', sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table('route_changes')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('signature')
        batch_op.drop_column('signing_key_id')
    op.drop_table('signing_keys')
