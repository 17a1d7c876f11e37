"""the managed lists' default entries, seeded when the schema is created

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 20:50:00

"""
from alembic import op

from forum.models.practice_defaults import insert_missing_defaults

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # A new installation starts from the default populations, situations and indicators
    # (administrators change them later); an existing one only gains missing codes.
    insert_missing_defaults(op.get_bind())


def downgrade():
    # The entries may be referenced by practices by now: they stay.
    pass
