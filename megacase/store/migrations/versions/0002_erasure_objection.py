"""erasure and objection: a processor's Art. 19 notice channel, and the direct-marketing flag of an objection

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('processors', schema=None) as batch_op:
        # how an Art. 19 notice reaches this processor (e-mail address, web form, post)
        batch_op.add_column(sa.Column('notice_channel', sa.Text(), nullable=True))
    with op.batch_alter_table('cases', schema=None) as batch_op:
        # Art. 21(2)-(3): an objection to direct marketing is granted without weighing
        batch_op.add_column(sa.Column('direct_marketing', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('direct_marketing')
    with op.batch_alter_table('processors', schema=None) as batch_op:
        batch_op.drop_column('notice_channel')
