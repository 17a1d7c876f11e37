"""related threads and practices, stored by the search worker

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 20:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'related_thread',
        sa.Column('thread_id', sa.Integer(), nullable=False),
        sa.Column('related_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['related_id'], ['thread.id'], name=op.f('fk_related_thread_related_id_thread'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['thread_id'], ['thread.id'], name=op.f('fk_related_thread_thread_id_thread'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('thread_id', 'related_id', name=op.f('pk_related_thread')),
    )
    with op.batch_alter_table('related_thread', schema=None) as batch_op:
        batch_op.create_index('ix_related_thread_thread_score', ['thread_id', 'score'], unique=False)
        batch_op.create_index(batch_op.f('ix_related_thread_related_id'), ['related_id'], unique=False)

    op.create_table(
        'related_practice',
        sa.Column('practice_id', sa.Integer(), nullable=False),
        sa.Column('related_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_related_practice_practice_id_practice'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['related_id'], ['practice.id'], name=op.f('fk_related_practice_related_id_practice'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('practice_id', 'related_id', name=op.f('pk_related_practice')),
    )
    with op.batch_alter_table('related_practice', schema=None) as batch_op:
        batch_op.create_index('ix_related_practice_practice_score', ['practice_id', 'score'], unique=False)
        batch_op.create_index(batch_op.f('ix_related_practice_related_id'), ['related_id'], unique=False)


def downgrade():
    with op.batch_alter_table('related_practice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_related_practice_related_id'))
        batch_op.drop_index('ix_related_practice_practice_score')
    op.drop_table('related_practice')
    with op.batch_alter_table('related_thread', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_related_thread_related_id'))
        batch_op.drop_index('ix_related_thread_thread_score')
    op.drop_table('related_thread')
