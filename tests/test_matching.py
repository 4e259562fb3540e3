"""Matching as a service: cold start, training into the registry, hot reload, leads, the CLI."""
import datetime as dt

import numpy as np
import pytest
import sqlalchemy as sa

from matchmaker.errors import Conflict
from matchmaker.matching import data, scorer, services
from models import (
    Application, AuditEvent, Enterprise, FinancingNeed, NeedStatus, Product, ProductStatus, RankerModel, db,
)
from seed import load_market

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture
def market(app):
    with app.app_context():
        load_market(enterprises=700, seed=5, progress=False, as_of=AS_OF)
    return app


def an_open_need_id() -> int:
    return db.session.scalar(sa.select(FinancingNeed.id).where(FinancingNeed.status == NeedStatus.OPEN)
                             .order_by(FinancingNeed.id))


def test_cold_start_uses_the_rules_score_and_says_so(market):
    with market.app_context():
        result = services.products_for_need(need_id=an_open_need_id(), limit=200, today=AS_OF)
        active = db.session.scalar(sa.select(sa.func.count()).select_from(Product)
                                   .where(Product.status == ProductStatus.ACTIVE))
    assert result["model_version"] == "rules"
    items = result["items"]
    # Every active product: the 135 less the funds' seven retired equity products (an investor profile now).
    assert len(items) == active == 128 and all(item["reasons"] for item in items)
    flags = [item["eligible"] for item in items]
    assert flags == sorted(flags, reverse=True)
    assert all(0 <= item["score"] <= 1 for item in items)
    assert {"product_id", "product_name", "institution_name", "kind", "score", "eligible", "reasons"} <= set(items[0])


def test_the_cold_start_is_kept_a_few_seconds_then_sees_new_decisions(market, other_app):
    """A worker does not count every decision on every match page; a new one shows once the time is up."""
    import time

    keeping = other_app(COLD_START_KEPT_SECONDS=0.5)
    with keeping.app_context():
        scorer.forget()
        first = scorer.cold_start()
        assert scorer.cold_start() is first  # kept: no aggregate ran
        application = db.session.scalar(sa.select(Application).where(Application.decided_at.is_not(None))
                                        .order_by(Application.decided_at.desc()))
        application.decided_at = application.decided_at + dt.timedelta(seconds=1)  # as if decided anew
        db.session.commit()
        assert scorer.cold_start() is first  # within the half second
        time.sleep(0.6)
        fresh = scorer.cold_start()
        assert fresh is not first and fresh.stamp != first.stamp
        scorer.forget()


def test_too_few_outcomes_keep_the_rules(app):
    with app.app_context():
        load_market(enterprises=40, seed=2, progress=False, as_of=AS_OF)
        with pytest.raises(Conflict, match="不足"):
            services.train()
        assert scorer.active_version() is None


def test_training_stores_a_verifiable_model_and_activates_it(market, client):
    with market.app_context():
        result = services.train()
        db.session.commit()
        row = db.session.scalar(sa.select(RankerModel))
        assert result["model_version"] == row.version and row.trained_rows == result["trained_rows"]
        assert len(row.sha256) == 64 and row.sklearn_version and row.features[0] == "rating"
        assert len(row.training_data_hash) == 64
        assert {"ndcg_at_5", "auc", "brier", "map_at_5", "recall_at_10"} <= set(row.metrics)
        assert {"rules", "random", "oracle"} <= set(row.baseline_metrics)
        assert result["activated"] and row.is_active
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
        assert {"ranker.train", "ranker.activate"} <= actions
        ranked = services.products_for_need(need_id=an_open_need_id(), today=AS_OF)
        assert ranked["model_version"] == row.version
    assert client.get("/healthz").json["model_version"] == row.version


def test_a_worker_picks_up_a_newly_activated_model_without_restart(market):
    with market.app_context():
        first = services.train()
        db.session.commit()
        assert scorer.current().version == first["model_version"]
        # Another process activates a different version: this one notices on its next call.
        row = db.session.scalar(sa.select(RankerModel))
        clone = RankerModel(version="hgb-other", blob=row.blob, sha256=row.sha256, sklearn_version=row.sklearn_version,
                            features=row.features, training_data_hash=row.training_data_hash,
                            trained_rows=row.trained_rows, metrics=row.metrics, baseline_metrics={})
        db.session.add(clone)
        db.session.flush()
        services._activate(clone, actor=None)
        db.session.commit()
        assert scorer.current().version == "hgb-other"


def test_a_tampered_active_model_falls_back_to_the_rules(market):
    with market.app_context():
        services.train()
        db.session.commit()
        row = db.session.scalar(sa.select(RankerModel))
        row.blob = row.blob[:100] + bytes([row.blob[100] ^ 0xFF]) + row.blob[101:]
        db.session.commit()
        scorer.forget()
        assert scorer.current().version == "rules"


def test_a_second_model_is_activated_only_if_it_beats_the_active_one(market):
    with market.app_context():
        services.train()
        db.session.commit()
        second = services.train()  # same data, same hold-out: it cannot beat its twin
        db.session.commit()
        assert second["activated"] is False
        assert db.session.scalar(sa.select(sa.func.count()).where(RankerModel.is_active)) == 1


def test_leads_only_show_firms_that_opted_in_and_no_contact_details(market):
    with market.app_context():
        product_id = 1
        result = services.needs_for_product(product_id=product_id, limit=500, today=AS_OF)
        assert result["items"], "the seeded market has open needs for its first product"
        need_ids = [item["need_id"] for item in result["items"]]
        firms = db.session.execute(
            sa.select(FinancingNeed.id, Enterprise.share_in_leads, FinancingNeed.status)
            .join(Enterprise).where(FinancingNeed.id.in_(need_ids))).all()
        assert all(shared and status is NeedStatus.OPEN for _id, shared, status in firms)
        assert all(item["eligible"] for item in result["items"])
        scores = [item["score"] for item in result["items"]]
        assert scores == sorted(scores, reverse=True)
        assert not {"uscc", "email", "phone"} & set(result["items"][0])


def test_seed_and_engine_agree_on_eligibility(market):
    """The seed's simulated institutions and the engine apply the same published rules."""
    from matchmaker.ranking import eligibility
    from seed.market import NeedTable, ProductTable, draw_market, failed_rules

    market_data = draw_market(enterprises=700, seed=5, as_of=AS_OF)
    with market.app_context():
        outcomes = data.outcomes()
    engine_block = eligibility.check(outcomes.needs, outcomes.products)
    own = {k: v for k, v in engine_block.failed.items() if k not in ("kind", "rate")}  # the firm's own filters
    engine_failed = sum(m.astype(int) for m in own.values())
    by_id = {n["id"]: n for n in market_data.needs}
    seed_needs = NeedTable([by_id[int(i)] for i in outcomes.needs.id], market_data.enterprises, market_data.quality)
    seed_failed = failed_rules(seed_needs, ProductTable(market_data.products, market_data.appetite))
    assert np.array_equal(engine_failed, seed_failed)


def test_ranker_cli_train_and_evaluate(market, runner):
    result = runner.invoke(args=["ranker", "train"])
    assert result.exit_code == 0, result.output
    assert "activated" in result.output and "ndcg_at_5" in result.output and "oracle" in result.output
    again = runner.invoke(args=["ranker", "train", "--if-none-active"])
    assert "is active: not training" in again.output
    evaluation = runner.invoke(args=["ranker", "evaluate"])
    assert evaluation.exit_code == 0, evaluation.output
    assert "active order: additive-" in evaluation.output and "random" in evaluation.output


def test_the_command_line_waits_its_turn_like_the_page(market, runner):
    """Two trainings at once would race to activate: the command line is refused while the page's runs,
    and takes over one whose worker died (its lease lapsed) instead of being refused for ever."""
    from models import Job, now_utc

    with market.app_context():
        db.session.add(Job(kind="ranker.train", status="running", progress=0.3, params={}, attempts=1,
                           worker="elsewhere", heartbeat_at=now_utc()))
        db.session.commit()
    busy = runner.invoke(args=["ranker", "train"])
    assert busy.exit_code != 0 and "已有一次训练正在进行" in busy.output
    with market.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RankerModel)) == 0
        job = db.session.scalar(sa.select(Job))
        job.heartbeat_at = now_utc() - dt.timedelta(seconds=market.config["JOB_LEASE_SECONDS"] + 1)
        db.session.commit()
    done = runner.invoke(args=["ranker", "train"])
    assert done.exit_code == 0 and "loading" in done.output
    with market.app_context():
        job = db.session.scalar(sa.select(Job))
        assert (job.status, job.attempts, job.progress) == ("succeeded", 2, 1.0)
        assert job.result["model_version"] == db.session.scalar(sa.select(RankerModel.version))


def test_an_active_model_this_version_cannot_load_counts_as_none(market, runner):
    first = runner.invoke(args=["ranker", "train"])
    assert first.exit_code == 0, first.output
    with market.app_context():
        stored = db.session.scalar(sa.select(RankerModel).where(RankerModel.is_active))
        stored.sklearn_version = "0.24.2"  # as if stored by an older installation
        db.session.commit()
        old_version = stored.version
    scorer.forget()
    again = runner.invoke(args=["ranker", "train", "--if-none-active"])
    assert again.exit_code == 0, again.output
    assert "is active: not training" not in again.output and "activated" in again.output
    with market.app_context():
        assert scorer.active_version() not in (None, old_version)


def test_a_kept_ranking_is_recomputed_when_the_firm_changes(market):
    """Repeated looks at a need's matches come from the worker's cache, until the need or firm changes."""
    from matchmaker.enterprise import services as enterprise_services
    from models import Role, User

    with market.app_context():
        need_id = an_open_need_id()
        first = services.products_for_need(need_id=need_id, limit=20, today=AS_OF)
        assert services.products_for_need(need_id=need_id, limit=20, today=AS_OF) == first
        firm = db.session.get(FinancingNeed, need_id).enterprise
        owner = User(email="owner-cache@example.cn", role=Role.ENTERPRISE, enterprise=firm, password_hash="x")
        db.session.add(owner)
        db.session.flush()
        enterprise_services.update(actor=owner, values={"credit_rating": "C" if firm.credit_rating.value != "C" else "AAA"})
        db.session.commit()
        changed = services.products_for_need(need_id=need_id, limit=20, today=AS_OF)
    assert [i["score"] for i in changed["items"]] != [i["score"] for i in first["items"]]
