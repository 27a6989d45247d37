"""privacy mailbox: fetched messages (inbox items) and where fetching stopped

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbox_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mailbox', sa.String(length=200), nullable=False),
    sa.Column('server_id', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('message_id_sha256', sa.String(length=64), nullable=True),
    sa.Column('item_key', sa.LargeBinary(), nullable=False),
    sa.Column('raw_enc', sa.LargeBinary(), nullable=False),
    sa.Column('sender_enc', sa.LargeBinary(), nullable=False),
    sa.Column('subject_enc', sa.LargeBinary(), nullable=False),
    sa.Column('reason_enc', sa.LargeBinary(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('guessed_types', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=True),
    sa.Column('authentication', sa.String(length=10), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('claims_subject', sa.Boolean(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('letter_id', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.String(length=80), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], ),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256')
    )
    with op.batch_alter_table('inbox_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbox_items_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_items_message_id_sha256'), ['message_id_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_items_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_items_subject_id'), ['subject_id'], unique=False)

    op.create_table('mailbox_state',
    sa.Column('mailbox', sa.String(length=200), nullable=False),
    sa.Column('uidvalidity', sa.String(length=40), nullable=True),
    sa.Column('last_uid', sa.Integer(), nullable=False),
    sa.Column('delta_link', sa.Text(), nullable=True),
    sa.Column('last_fetch_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('mailbox')
    )


def downgrade() -> None:
    op.drop_table('mailbox_state')
    with op.batch_alter_table('inbox_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbox_items_subject_id'))
        batch_op.drop_index(batch_op.f('ix_inbox_items_status'))
        batch_op.drop_index(batch_op.f('ix_inbox_items_message_id_sha256'))
        batch_op.drop_index(batch_op.f('ix_inbox_items_case_id'))
    op.drop_table('inbox_items')
