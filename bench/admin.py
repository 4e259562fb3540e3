"""Speed of the administrator's statistics and history import on the seeded market (BENCH lines)."""
from __future__ import annotations

import io
import tempfile
import time

import numpy as np

from bench.ranking import bench, percentile_ms, timed
from matchmaker import create_app
from matchmaker.admin import export, outcomes, stats, unserved
from matchmaker.admin.targets import plan_targets
from matchmaker.loans import warnings
from models import Product, Role, User, db, uscc
from seed import load_market


def history_csv(rows: int, product_ids: list[int]) -> bytes:
    """``rows`` past decisions of 200 firms new to the platform, a tenth of them with a bad product id."""
    rng = np.random.default_rng(0)
    out = io.StringIO()
    out.write(",".join(outcomes.COLUMNS) + "\n")
    for k in range(rows):
        first17 = f"91500107MA{k % 200:07d}"
        code = first17 + uscc.check_character(first17)
        product = int(rng.choice(product_ids)) if k % 10 else 999_999
        decision = ("approved", "rejected", "disbursed")[k % 3]
        granted = "" if decision == "rejected" else "1000000"
        rate = "" if decision == "rejected" else "4.5"
        out.write(f"{code},重庆历史企业{k % 200}号有限公司,next_gen_it,2012-05-01,40,30000000,6.5,8,tech_sme,A,false,"
                  f"{product},{1_000_000 + k},12,{decision},{granted},{rate},2021-{1 + k % 12:02d}-15\n")
    return out.getvalue().encode("utf-8-sig")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3", "INSTANCE_PATH": folder})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            load_market(progress=False)
            all_time, one_year = stats.Period(), stats.period(start="2021-01-01", end="2021-12-31")
            for name, period in (("all_time", all_time), ("2021", one_year)):
                samples = timed(lambda p=period: stats.market(period=p), 10)
                bench(f"admin_stats_{name}_p50", percentile_ms(samples, 50), "ms")
            bench("admin_stats_csv_p50", percentile_ms(timed(lambda: export.stats_csv(stats.market(period=all_time)),
                                                             5), 50), "ms")
            bench("admin_unserved_p50", percentile_ms(timed(unserved.report, 5), 50), "ms")
            bench("admin_plan_targets_p50", percentile_ms(timed(plan_targets, 5), 50), "ms")
            # The daily risk scan (the Celery beat task) over every borrower of the seeded market.
            started = time.perf_counter()
            opened = warnings.scan()
            db.session.commit()
            bench("risk_scan_whole_market", (time.perf_counter() - started) * 1000, "ms")
            # The nightly policy computation (免申即享) for every firm of the seeded market (issue 19: ≤ 10 s).
            from matchmaker.policy import entitlements

            started = time.perf_counter()
            written = entitlements.refresh(tell=False)
            db.session.commit()
            bench("policy_entitlements_whole_market", time.perf_counter() - started, "s")
            bench("policy_entitlements_written", written, "entitlements")
            bench("policy_entitlements_again_p50", percentile_ms(timed(lambda: entitlements.refresh(tell=False), 3), 50),
                  "ms")
            bench("risk_warnings_open", opened, "warnings")
            bench("risk_scan_again_p50", percentile_ms(timed(warnings.scan, 3), 50), "ms")
            db.session.rollback()
            admin = db.session.query(User).filter_by(role=Role.ADMIN).first()
            product_ids = [p.id for p in db.session.query(Product.id)]
            data = history_csv(5_000, product_ids)
            started = time.perf_counter()
            result = outcomes.import_csv(actor=admin, data=data)
            db.session.commit()
            elapsed = time.perf_counter() - started
            bench("admin_import_5000_rows", elapsed, "s")
            bench("admin_import_rows_per_s", 5_000 / elapsed, "rows/s")
            bench("admin_import_imported", result["imported"], "rows")
            bench("admin_import_rejected", len(result["rejected_rows"]), "rows")
            # The largest upload the contract allows (16 MiB) must be imported within one request.
            data = history_csv(90_000, product_ids)
            assert len(data) <= 16 * 1024 * 1024, len(data)
            started = time.perf_counter()
            outcomes.import_csv(actor=admin, data=data)
            db.session.commit()
            bench("admin_import_max_file_mib", len(data) / 2**20, "MiB")
            bench("admin_import_max_file", time.perf_counter() - started, "s")


if __name__ == "__main__":
    main()
