"""hardening: sign-ins remember the second factor, setup secrets server-side, one invitation per lead

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 21:40:00

"""
from alembic import op
import sqlalchemy as sa

import models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('auth_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('second_factor', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('totp_setup_secret', sa.String(length=64), nullable=True))

    op.create_table(
        'lead_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('need_id', sa.Integer(), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_lead_invitations_invited_by_id_users')),
        sa.ForeignKeyConstraint(['need_id'], ['financing_needs.id'], name=op.f('fk_lead_invitations_need_id_financing_needs')),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_lead_invitations_product_id_products')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_invitations')),
        sa.UniqueConstraint('product_id', 'need_id', name=op.f('uq_lead_invitations_product_id_need_id')),
    )
    with op.batch_alter_table('lead_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_invitations_need_id'), ['need_id'], unique=False)


def downgrade():
    with op.batch_alter_table('lead_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_invitations_need_id'))
    op.drop_table('lead_invitations')
    with op.batch_alter_table('auth_tokens', schema=None) as batch_op:
        batch_op.drop_column('totp_setup_secret')
        batch_op.drop_column('second_factor')
