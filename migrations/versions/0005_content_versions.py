"""content versions per scope replace the single content generation

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 20:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'content_version',
        sa.Column('scope', sa.String(length=64), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('scope', name=op.f('pk_content_version')),
    )
    op.drop_table('content_generation')


def downgrade():
    table = op.create_table(
        'content_generation',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_generation')),
    )
    op.bulk_insert(table, [{'id': 1, 'value': 0}])
    op.drop_table('content_version')
