"""products: the lowest knowledge-value credit grade they lend to, an IP-pledge product's pledge ratio

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 14:10:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pledge_ratio_pct', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('min_credit_grade', sa.Enum(
            'A', 'B', 'C', 'D', 'E', name='min_credit_grade', native_enum=False, create_constraint=False,
            length=32), nullable=True))
        batch_op.create_check_constraint('pledge_ratio_range', 'pledge_ratio_pct > 0 AND pledge_ratio_pct <= 100')
        batch_op.create_check_constraint('min_credit_grade', "min_credit_grade IN ('A', 'B', 'C', 'D', 'E')")


def downgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_products_min_credit_grade'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_products_pledge_ratio_range'), type_='check')
        batch_op.drop_column('min_credit_grade')
        batch_op.drop_column('pledge_ratio_pct')
