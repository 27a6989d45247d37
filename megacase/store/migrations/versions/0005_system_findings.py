"""systems: what each external system held for a case's subject, and the Art. 15(4) withholdings

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('system_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('processor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by', sa.String(length=80), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('categories', sa.Text(), nullable=True),
    sa.Column('ground', sa.Text(), nullable=True),
    sa.Column('data_enc', sa.LargeBinary(), nullable=True),
    sa.Column('file_enc', sa.LargeBinary(), nullable=True),
    sa.Column('filename_enc', sa.LargeBinary(), nullable=True),
    sa.Column('mime_type', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['processor_id'], ['processors.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('system_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_system_findings_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_system_findings_processor_id'), ['processor_id'], unique=False)
    op.create_table('package_withholdings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('row_index', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=100), nullable=True),
    sa.Column('reason_enc', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['system_findings.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('package_withholdings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_package_withholdings_finding_id'), ['finding_id'], unique=False)


def downgrade() -> None:
    op.drop_table('package_withholdings')
    op.drop_table('system_findings')
