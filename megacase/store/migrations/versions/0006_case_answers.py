"""per-right answers: outcome, legal ground, reasons to the subject, Art. 12(5) evidence, "no data held";
the language of a recipient's Art. 19 notices

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'case_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('request_type', sa.String(length=30), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.Column('legal_ground', sa.Text(), nullable=True),
        sa.Column('reasons', sa.Text(), nullable=True),
        sa.Column('evidence_refs', sa.Text(), nullable=True),
        sa.Column('evidence_attachment_id', sa.Integer(), nullable=True),
        sa.Column('no_data_reason', sa.Text(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by', sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.ForeignKeyConstraint(['evidence_attachment_id'], ['attachments.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id', 'request_type'),
    )
    op.create_index('ix_case_answers_case_id', 'case_answers', ['case_id'])
    with op.batch_alter_table('processors', schema=None) as batch_op:
        # the language a recipient's Art. 19 notices are written in (empty: the officer has not said yet)
        batch_op.add_column(sa.Column('notice_language', sa.String(length=2), nullable=True))
    # A register decided before per-right answers: each right gets the case's decision (the note was the
    # only text; it becomes the reasons, as the letters printed it).
    op.execute("INSERT INTO case_answers (case_id, request_type, outcome, legal_ground, reasons, decided_at, "
               "decided_by) SELECT c.id, t.request_type, c.outcome, c.legal_ground, c.decision_note, c.decided_at, "
               "coalesce(c.owner, 'migration') FROM cases c JOIN case_types t ON t.case_id = c.id "
               "WHERE c.outcome IS NOT NULL AND c.decided_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('processors', schema=None) as batch_op:
        batch_op.drop_column('notice_language')
    op.drop_index('ix_case_answers_case_id', table_name='case_answers')
    op.drop_table('case_answers')
