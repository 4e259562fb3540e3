"""The history import's row rules read one by one (``matchmaker/admin/outcomes.py``): every column's check
and its message, each at its edge, the file's own checks, and what a whole import reports. Written to leave
no mutant of the module alive; the end-to-end import (savepoints, repeats, 413) is in test_admin_ops.py."""
import datetime as dt
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from matchmaker.admin import history, outcomes
from matchmaker.errors import InvalidInput
from models import Application, ApplicationEvent, AuditEvent, db
from tests.conftest import valid_uscc
from tests.rule_helpers import administrator

TODAY = dt.date(2026, 6, 1)
PRODUCTS = {5: SimpleNamespace(id=5, max_amount_cny=5_000_000)}
USCC = valid_uscc("91500107MA61HXT70")


def row(**changes) -> dict:
    good = {"uscc": USCC.lower(), "enterprise_name": " 重庆历史数据科技有限公司 ", "industry": "next_gen_it",
            "founded_on": "2015-03-01", "employees": "50", "annual_revenue_cny": "20000000", "rd_ratio_pct": "8.5",
            "ip_count": "12", "certifications": "tech_sme; high_tech_enterprise;;tech_sme", "credit_rating": "A",
            "has_collateral": " TRUE ", "product_id": "5", "amount_cny": "2000000", "term_months": "12",
            "decision": "approved", "approved_amount_cny": "1500000", "rate_pct": "4.35", "decided_on": "2021-05-01"}
    return {**good, **changes}


def parse(**changes) -> dict:
    return outcomes.parse_row(row(**changes), products=PRODUCTS, today=TODAY)


def problem(**changes) -> str:
    with pytest.raises(outcomes.RowError) as caught:
        parse(**changes)
    return str(caught.value)


def test_a_good_row_becomes_a_firm_a_need_and_a_decision():
    parsed = parse()
    assert parsed["facts"] == {
        "name": "重庆历史数据科技有限公司", "uscc": USCC, "industry": "next_gen_it", "founded_on": dt.date(2015, 3, 1),
        "employees": 50, "annual_revenue_cny": 20_000_000, "rd_ratio_pct": 8.5, "ip_count": 12,
        "certifications": ["high_tech_enterprise", "tech_sme"], "credit_rating": "A",
        "district": history.IMPORTED_DISTRICT, "has_collateral": True}
    assert parsed["need"] == {"amount_cny": 2_000_000, "term_months": 12}
    assert parsed["product"] is PRODUCTS[5]
    assert (parsed["decision"], parsed["approved_amount_cny"], parsed["rate_pct"], parsed["decided_on"]) == (
        "approved", 1_500_000, 4.35, dt.date(2021, 5, 1))
    assert parse(has_collateral="false")["facts"]["has_collateral"] is False


def test_a_rejection_carries_no_terms():
    parsed = parse(decision="rejected", approved_amount_cny="", rate_pct=" ")
    assert (parsed["decision"], parsed["approved_amount_cny"], parsed["rate_pct"]) == ("rejected", None, None)


@pytest.mark.parametrize("changes, sentence", [
    ({"has_collateral": "yes"}, "有无抵押物（has_collateral）：应为 true 或 false"),
    ({"has_collateral": ""}, "有无抵押物（has_collateral）：应为 true 或 false"),
    ({"employees": "12.5"}, "员工人数（employees）：应为整数：12.5"),
    ({"employees": "x" * 50}, "员工人数（employees）：应为整数：" + "x" * 40),
    ({"rd_ratio_pct": "abc"}, "研发投入占比（rd_ratio_pct）：应为数字：abc"),
    ({"rd_ratio_pct": "nan"}, "研发投入占比（rd_ratio_pct）：应为有限的数字：nan"),
    ({"rd_ratio_pct": "-inf"}, "研发投入占比（rd_ratio_pct）：应为有限的数字：-inf"),
    ({"rd_ratio_pct": "1e999"}, "研发投入占比（rd_ratio_pct）：应为有限的数字：1e999"),
    ({"rd_ratio_pct": "1e" + "9" * 50}, "研发投入占比（rd_ratio_pct）：应为有限的数字：1e" + "9" * 38),
    ({"annual_revenue_cny": "12万"}, "年营业收入（annual_revenue_cny）：应为整数：12万"),
    ({"ip_count": "many"}, "知识产权数量（ip_count）：应为整数：many"),
    ({"term_months": "1.5"}, "期限（term_months）：应为整数：1.5"),
    ({"founded_on": "2026-07-01", "decided_on": "2026-07-02"},
     "成立日期（founded_on）：成立日期不能晚于今天；决定日期（decided_on）：决定日期不能晚于今天"),
    ({"decision": "rejected", "approved_amount_cny": "abc", "rate_pct": "4"},
     "批准金额（approved_amount_cny）：应为整数：abc，拒绝的申请不应填写批准金额和利率"),
    ({"enterprise_name": "重庆\r\n科技"}, "企业名称（enterprise_name）：企业名称包含不可见或控制字符（U+000D），请删除后重试"),
    ({"founded_on": ""}, "成立日期（founded_on）：此项为必填项"),
    ({"founded_on": "2015/03/01"}, "成立日期（founded_on）：日期格式应为 YYYY-MM-DD：2015/03/01"),
    ({"enterprise_name": "  "}, "企业名称（enterprise_name）：此项为必填项"),
    ({"employees": ""}, "员工人数（employees）：此项为必填项"),
    ({"amount_cny": "5000"}, "申请金额（amount_cny）：融资金额至少 1 万元"),
    ({"amount_cny": ""}, "申请金额（amount_cny）：此项为必填项"),
    ({"amount_cny": "2e6"}, "申请金额（amount_cny）：应为整数：2e6"),
    ({"product_id": "999"}, "产品编号（product_id）：未知的产品：999"),
    ({"product_id": "five"}, "产品编号（product_id）：应为整数：five"),
    ({"decision": "maybe"}, "决定（decision）：应为 approved、rejected、disbursed 之一：maybe"),
    ({"decision": ""}, "决定（decision）：应为 approved、rejected、disbursed 之一：（空）"),
    ({"decision": "rejected"}, "批准金额（approved_amount_cny）：拒绝的申请不应填写批准金额和利率"),
    ({"decision": "rejected", "approved_amount_cny": ""}, "批准金额（approved_amount_cny）：拒绝的申请不应填写批准金额和利率"),
    ({"decision": "rejected", "rate_pct": ""}, "批准金额（approved_amount_cny）：拒绝的申请不应填写批准金额和利率"),
    ({"approved_amount_cny": ""}, "批准金额（approved_amount_cny）：获批的申请须填写批准金额"),
    ({"approved_amount_cny": "abc"}, "批准金额（approved_amount_cny）：应为整数：abc"),
    ({"approved_amount_cny": "0"}, "批准金额（approved_amount_cny）：批准金额应大于 0"),
    ({"approved_amount_cny": "-5"}, "批准金额（approved_amount_cny）：批准金额应大于 0"),
    ({"approved_amount_cny": "5000001"}, "批准金额（approved_amount_cny）：批准金额超过该产品上限 5,000,000 元：5,000,001"),
    ({"decision": "disbursed", "approved_amount_cny": "9000000000000000000"},
     "批准金额（approved_amount_cny）：批准金额超过该产品上限 5,000,000 元：9,000,000,000,000,000,000"),
    ({"product_id": "999", "approved_amount_cny": "10000000001"},
     "产品编号（product_id）：未知的产品：999；批准金额（approved_amount_cny）：批准金额超出上限 10,000,000,000 元"),
    ({"product_id": "999", "approved_amount_cny": "10000000000"}, "产品编号（product_id）：未知的产品：999"),
    ({"rate_pct": ""}, "利率（rate_pct）：获批的申请须填写利率"),
    ({"rate_pct": "x"}, "利率（rate_pct）：应为数字：x"),
    ({"rate_pct": "-0.01"}, "利率（rate_pct）：利率应在 0% 到 36% 之间"),
    ({"rate_pct": "36.01"}, "利率（rate_pct）：利率应在 0% 到 36% 之间"),
    ({"decided_on": ""}, "决定日期（decided_on）：此项为必填项"),
    ({"decided_on": "2026-06-02"}, "决定日期（decided_on）：决定日期不能晚于今天"),
    ({"decided_on": "2015-02-28"}, "决定日期（decided_on）：决定日期早于企业成立日期"),
    ({"enterprise_name": "名字\x00有空字符", "rd_ratio_pct": "nan"}, "企业名称（enterprise_name）：不能包含空字符（NUL）"),
    ({"note": "\x00"}, "note（note）：不能包含空字符（NUL）"),
    ({"employees": "abc", "ip_count": "-1"}, "员工人数（employees）：应为整数：abc；知识产权数量（ip_count）：知识产权数量不能为负数"),
])
def test_each_bad_cell_is_named_with_its_column_and_reason(changes, sentence):
    assert problem(**changes) == sentence


@pytest.mark.parametrize("changes", [
    {"approved_amount_cny": "1"}, {"approved_amount_cny": "5000000"}, {"rate_pct": "0"}, {"rate_pct": "36"},
    {"decided_on": "2026-06-01"}, {"decided_on": "2015-03-01"}, {"decision": "disbursed"},
    {"certifications": ""}, {"has_collateral": "False"},
])
def test_values_on_the_edges_are_accepted(changes):
    assert parse(**changes)["product"] is PRODUCTS[5]


def test_every_bad_column_is_listed_in_the_order_of_the_file():
    assert problem(founded_on="2030-01-01", decided_on="2026-01-01") == (
        "成立日期（founded_on）：成立日期不能晚于今天；决定日期（decided_on）：决定日期早于企业成立日期")
    sentence = problem(certifications="martian;venusian", credit_rating="Z")
    assert sentence == "资质（certifications）：未知的资质代码：martian、venusian；信用评级（credit_rating）：未知的信用评级：Z"


def header(*names: str) -> bytes:
    return (",".join(names) + "\r\n").encode()


def file_refusal(data: bytes) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        outcomes._reader(data)
    return caught.value


def test_the_file_is_checked_before_any_row():
    latin = file_refusal("uscc,名字".encode("gbk"))
    assert latin.message == "文件不是 UTF-8 编码" and latin.fields == {"file": ["文件不是 UTF-8 编码（第 5 字节）"]}
    empty = file_refusal(b"")
    assert (empty.message, empty.fields) == ("文件为空", {"file": ["文件为空，至少应有表头一行"]})
    short = file_refusal(header(*outcomes.COLUMNS[:-2]))
    assert (short.message, short.fields) == ("表头缺少列", {"file": ["表头缺少列：rate_pct, decided_on"]})
    reader = outcomes._reader(b"\xef\xbb\xbf" + header(*(f" {c} " for c in outcomes.COLUMNS)))
    assert reader.fieldnames == list(outcomes.COLUMNS)


def test_an_import_reports_each_rejected_line_in_order_and_is_audited(ctx):
    from tests.rule_helpers import person, user
    from tests.test_institution import PRODUCT
    from matchmaker.products import services as products

    officer = person("institution")
    product = products.create(actor=user(officer), values=PRODUCT)
    admin = administrator()
    good = ",".join(row(product_id=str(product.id)).values())
    lines = [",".join(outcomes.COLUMNS), good, good + ",extra", "too,few", ",".join(row(product_id="999").values())]
    data = ("\r\n".join(lines) + "\r\n").encode()
    result = outcomes.import_csv(actor=admin, data=data, today=TODAY)
    assert result["imported"] == 1
    assert result["rejected_rows"] == [
        {"line": 3, "error": "列数应为 18"}, {"line": 4, "error": "列数应为 18"},
        {"line": 5, "error": "产品编号（product_id）：未知的产品：999"}]
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 1
    event = db.session.scalars(sa.select(ApplicationEvent)).one()
    assert (event.actor_id, event.note) == (admin.id, "历史数据导入")
    audit = db.session.scalars(sa.select(AuditEvent).filter_by(action="outcomes.import")).one()
    assert (audit.actor_id, audit.detail) == (admin.id, {"imported": 1, "rejected": 3, "bytes": len(data)})


class ShanghaiEvening:
    """``datetime`` at 2026-06-01 20:00 UTC, already 2026-06-02 in Chongqing."""

    @staticmethod
    def now(tz=None):
        instant = dt.datetime(2026, 6, 1, 20, 0, tzinfo=dt.timezone.utc)
        return instant.astimezone(tz) if tz is not None else instant.replace(tzinfo=None)


def test_today_is_the_zones_own_day_and_quoted_line_breaks_stay_in_their_cell(ctx, monkeypatch):
    monkeypatch.setattr(outcomes, "dt", SimpleNamespace(datetime=ShanghaiEvening, date=dt.date))
    admin = administrator()
    tomorrow_in_utc = row(product_id="999", decided_on="2026-06-02")
    quoted = row(product_id="999", enterprise_name='"重庆\r\n科技"')
    lines = [",".join(outcomes.COLUMNS), ",".join(tomorrow_in_utc.values()), ",".join(quoted.values())]
    done = []
    result = outcomes.import_csv(actor=admin, data=("\r\n".join(lines) + "\r\n").encode(), progress=done.append)
    assert result["rejected_rows"] == [
        {"line": 2, "error": "产品编号（product_id）：未知的产品：999"},  # not "later than today"
        {"line": 4, "error": "企业名称（enterprise_name）：企业名称包含不可见或控制字符（U+000D），请删除后重试；"
                             "产品编号（product_id）：未知的产品：999"}]
    assert result["imported"] == 0 and done == []


def test_the_import_reports_its_progress(ctx):
    from tests.rule_helpers import person, user
    from tests.test_institution import PRODUCT
    from matchmaker.products import services as products

    product = products.create(actor=user(person("institution")), values=PRODUCT)
    admin = administrator()
    lines = [",".join(outcomes.COLUMNS), ",".join(row(product_id=str(product.id)).values())]
    done = []
    outcomes.import_csv(actor=admin, data=("\r\n".join(lines) + "\r\n").encode(), today=TODAY, progress=done.append)
    assert done == [1]
