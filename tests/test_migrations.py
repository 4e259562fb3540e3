"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models import db


def test_migrations_match_the_models(ctx):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_are_at_head(ctx):
    with db.engine.connect() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
    from alembic.script import ScriptDirectory
    from flask import current_app

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    assert revision == script.get_current_head()


def test_a_database_holding_a_market_upgrades_to_the_head(tmp_path):
    """Rebuilding a table others point at (SQLite's way to add a constraint) must not trip over the
    rows that point at it: an operator's database is never empty."""
    import datetime as dt

    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from tests.conftest import make_app, valid_uscc

    app = make_app(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO enterprises (id, name, uscc, industry, founded_on, employees, annual_revenue_cny,"
                " rd_ratio_pct, ip_count, certifications, credit_rating, district, has_collateral, share_in_leads,"
                " imported, created_at, updated_at) VALUES (1, '重庆老企业', :uscc, 'other', :day, 5, 0, 0, 0, '[]',"
                " 'B', '北碚区', 0, 0, 0, :now, :now)"), {"uscc": valid_uscc(), "day": dt.date(2010, 1, 1),
                                                          "now": dt.datetime(2024, 1, 1)})
            conn.execute(sa.text(
                "INSERT INTO financing_needs (id, enterprise_id, amount_cny, term_months, purpose, preferred_kinds,"
                " collateral_offered, status, created_at, updated_at) VALUES (1, 1, 1000000, 12, '', '[]', 0,"
                " 'open', :now, :now)"), {"now": dt.datetime(2024, 1, 1)})
            conn.execute(sa.text("INSERT INTO consents (id, enterprise_id, scope, granted, at) VALUES"
                                 " (1, 1, 'leads', 1, :now)"), {"now": dt.datetime(2024, 1, 1)})
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT name, contact_phone FROM enterprises")).one() == ("重庆老企业", None)
            assert conn.execute(sa.text("SELECT enterprise_id FROM financing_needs")).scalar() == 1
            assert conn.execute(sa.text("SELECT scope, version FROM consents")).one() == ("leads", None)
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        downgrade(revision="0010")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM enterprises")).scalar() == 1
        db.engine.dispose()
