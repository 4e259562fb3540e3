"""knowledge value: a firm's R&D staff, tech talent, innovative products and awards; its IP register

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 11:00:00

"""
from alembic import op
import sqlalchemy as sa

import models.base

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

FACTS = ("rd_staff", "tech_talent", "innovative_products", "awards")


def upgrade():
    op.create_table('ip_assets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('invention_patent', 'utility_model', 'design', 'software_copyright', name='ipkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('granted_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('pledged', sa.Boolean(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('expires_on > granted_on', name=op.f('ck_ip_assets_expires_after_grant')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_ip_assets_enterprise_id_enterprises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ip_assets')),
    sa.UniqueConstraint('enterprise_id', 'number', name=op.f('uq_ip_assets_enterprise_id_number'))
    )
    with op.batch_alter_table('ip_assets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ip_assets_enterprise_id'), ['enterprise_id'], unique=False)

    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        for fact in FACTS:
            batch_op.add_column(sa.Column(fact, sa.Integer(), nullable=True))
        batch_op.create_check_constraint('rd_staff_not_negative', 'rd_staff IS NULL OR rd_staff >= 0')
        batch_op.create_check_constraint('tech_talent_not_negative', 'tech_talent IS NULL OR tech_talent >= 0')
        batch_op.create_check_constraint('innovative_products_not_negative',
                                         'innovative_products IS NULL OR innovative_products >= 0')
        batch_op.create_check_constraint('awards_not_negative', 'awards IS NULL OR awards >= 0')


def downgrade():
    with op.batch_alter_table('ip_assets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ip_assets_enterprise_id'))
    op.drop_table('ip_assets')
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        for name in ('awards_not_negative', 'innovative_products_not_negative', 'tech_talent_not_negative',
                     'rd_staff_not_negative'):
            batch_op.drop_constraint(batch_op.f(f'ck_enterprises_{name}'), type_='check')
        for fact in reversed(FACTS):
            batch_op.drop_column(fact)
