"""Backup and restore as a round trip, on the database the suite runs on (SQLite or PostgreSQL)."""
import sqlalchemy as sa

from models import Enterprise, Institution, db
from seed import load_market


def test_backup_then_restore_gives_every_row_back(app, runner, tmp_path):
    import datetime as dt

    with app.app_context():
        load_market(enterprises=60, seed=8, progress=False, as_of=dt.date(2026, 11, 1))
        from matchmaker.backup import table_counts

        before = table_counts()
        firm_name = db.session.scalar(sa.select(Enterprise.name).order_by(Enterprise.id))
    target = tmp_path / "nightly" / "matchmaker.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "integrity checked" in result.output and target.stat().st_size > 10_000
    with app.app_context():  # after the backup: a firm renamed, an institution gone
        db.session.execute(sa.update(Enterprise).values(name="被改掉的名字"))
        db.session.execute(sa.insert(Institution).values(name="备份之后的机构", kind="bank", service_target_days=3,
                                                         created_at=dt.datetime.now(dt.timezone.utc)))
        db.session.commit()
    refused = runner.invoke(args=["restore", str(target)], input="n\n")
    assert refused.exit_code != 0  # asks first
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert table_counts() == before
        assert db.session.scalar(sa.select(Enterprise.name).order_by(Enterprise.id)) == firm_name
        assert db.session.scalar(sa.select(Institution.id).where(Institution.name == "备份之后的机构")) is None


def test_a_damaged_backup_is_refused_and_the_database_kept(app, runner, tmp_path, make_user):
    make_user("enterprise")
    broken = tmp_path / "broken.backup"
    broken.write_bytes(b"this is not a database backup" * 100)
    result = runner.invoke(args=["restore", str(broken), "--yes"])
    assert result.exit_code != 0 and "Error" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Enterprise.id))) == 1
