"""A firm's facts read one by one (``matchmaker/enterprise/services.py``): every fact at its edge with the
message that names it, one firm per credit code, what a firm may change of itself and what a change of
its consent records. Written to leave no mutant of the module alive."""
import datetime as dt
import math

import pytest
import sqlalchemy as sa

from matchmaker.enterprise import services as enterprises
from matchmaker.enterprise.schemas import EnterpriseSchema
from matchmaker.errors import Conflict, Forbidden, InvalidInput
from models import AuditEvent, Consent, Enterprise, db
from tests.conftest import enterprise_facts, valid_uscc
from tests.rule_helpers import person, refusal, user

TODAY = dt.date(2026, 6, 1)


def problems(**changes) -> dict:
    return enterprises.check_facts(enterprise_facts(**changes), today=TODAY)


def test_good_facts_have_no_problem():
    assert problems() == {}


def test_every_missing_fact_is_named():
    assert enterprises.check_facts({}, today=TODAY) == {f: ["此项为必填项"] for f in enterprises.FACT_FIELDS}
    assert enterprises.check_facts({"name": ""}, required=("name",), today=TODAY) == {"name": ["此项为必填项"]}
    assert enterprises.check_facts({"employees": None}, required=(), today=TODAY) == {}


@pytest.mark.parametrize("changes, expected", [
    ({"name": "云"}, {"name": ["企业名称应为 2 到 120 个字符"]}),
    ({"uscc": "91500107MA5U8XGK7X"}, {"uscc": ["统一社会信用代码校验位错误：第 18 位应为 T，请检查是否输入有误"]}),
    ({"industry": "mining"}, {"industry": ["未知的行业代码：mining"]}),
    ({"founded_on": "2016-05-20"}, {"founded_on": ["成立日期格式应为 YYYY-MM-DD"]}),
    ({"founded_on": dt.date(2026, 6, 2)}, {"founded_on": ["成立日期不能晚于今天"]}),
    ({"founded_on": dt.date(1949, 9, 30)}, {"founded_on": ["成立日期过早，请检查"]}),
    ({"employees": -1}, {"employees": ["员工人数不能为负数"]}),
    ({"employees": 1_000_001}, {"employees": ["员工人数超出合理范围（最大 1,000,000）"]}),
    ({"employees": "86"}, {"employees": ["员工人数应为数字"]}),
    ({"employees": True}, {"employees": ["员工人数应为数字"]}),
    ({"annual_revenue_cny": 10**10 + 1}, {"annual_revenue_cny": ["年营业收入超出合理范围（最大 10,000,000,000）"]}),
    ({"annual_revenue_cny": math.inf}, {"annual_revenue_cny": ["年营业收入应为有限的数字"]}),
    ({"rd_ratio_pct": math.nan}, {"rd_ratio_pct": ["研发投入占比应为有限的数字"]}),
    ({"rd_ratio_pct": 100.01}, {"rd_ratio_pct": ["研发投入占比超出合理范围（最大 100）"]}),
    ({"rd_ratio_pct": -0.5}, {"rd_ratio_pct": ["研发投入占比不能为负数"]}),
    ({"ip_count": 100_001}, {"ip_count": ["知识产权数量超出合理范围（最大 100,000）"]}),
    ({"certifications": ["tech_sme", "iso", 3]}, {"certifications": ["未知的资质代码：iso、3"]}),
    ({"credit_rating": "AAAA"}, {"credit_rating": ["未知的信用评级：AAAA"]}),
    ({"district": "九龙坡区\u200b"}, {"district": ["所在区县包含不可见或控制字符（U+200B），请删除后重试"]}),
    ({"district": "区" * 41}, {"district": ["所在区县应为 1 到 40 个字符"]}),
])
def test_each_fact_names_its_problem(changes, expected):
    found = problems(**changes)
    if isinstance(expected, str):
        assert list(found) == [expected] and found[expected]
    else:
        assert found == expected


@pytest.mark.parametrize("changes", [
    {"founded_on": TODAY}, {"founded_on": dt.date(1949, 10, 1)}, {"employees": 0}, {"employees": 1_000_000},
    {"annual_revenue_cny": 10**10}, {"annual_revenue_cny": 0}, {"rd_ratio_pct": 100}, {"rd_ratio_pct": 0.0},
    {"ip_count": 100_000}, {"ip_count": 0}, {"certifications": []}, {"district": "区"}, {"uscc": valid_uscc().lower()},
])
def test_facts_on_the_edges_are_accepted(changes):
    assert problems(**changes) == {}


def test_today_is_today_when_not_given():
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert enterprises.check_facts(enterprise_facts(founded_on=tomorrow)) == {"founded_on": ["成立日期不能晚于今天"]}


def test_a_firm_is_stored_tidied_once_per_credit_code(ctx):
    refused = refusal(InvalidInput, enterprises.create, facts=enterprise_facts(employees=-1))
    assert (refused.message, refused.fields) == ("企业信息有误", {"employees": ["员工人数不能为负数"]})
    firm = enterprises.create(facts=enterprise_facts(
        name=" 重庆云启 ", uscc=valid_uscc().lower(), district=" 九龙坡区 ", annual_revenue_cny=32_000_000.0,
        rd_ratio_pct=8, certifications=["tech_sme", "high_tech_enterprise", "tech_sme"], has_collateral=1))
    assert (firm.name, firm.uscc, firm.district, firm.certifications) == (
        "重庆云启", valid_uscc(), "九龙坡区", ["high_tech_enterprise", "tech_sme"])
    assert (firm.annual_revenue_cny, type(firm.annual_revenue_cny), firm.rd_ratio_pct, type(firm.rd_ratio_pct)) == (
        32_000_000, int, 8.0, float)
    assert (firm.industry.value, firm.credit_rating.value, firm.has_collateral, firm.share_in_leads) == (
        "next_gen_it", "A", True, False)
    assert db.session.get(Enterprise, firm.id) is firm
    taken = refusal(Conflict, enterprises.create, facts=enterprise_facts())
    assert taken.message == "该统一社会信用代码已注册；如为贵司代码被占用，请联系管理员认领"
    assert taken.fields == {"uscc": ["该统一社会信用代码已注册"]}
    sharing = enterprises.create(facts=enterprise_facts(uscc=valid_uscc("91500107MA61HXT70"), share_in_leads=True))
    assert sharing.share_in_leads is True
    assert EnterpriseSchema().dump(firm) == {
        "id": firm.id, "name": "重庆云启", "uscc": valid_uscc(), "industry": "next_gen_it",
        "founded_on": "2016-05-20", "employees": 86, "annual_revenue_cny": 32_000_000, "rd_ratio_pct": 8.0,
        "ip_count": 14, "certifications": ["high_tech_enterprise", "tech_sme"], "credit_rating": "A",
        "district": "九龙坡区", "has_collateral": True, "share_in_leads": False, "contact_name": None,
        "contact_phone": None, "legal_representative": None, "total_assets_cny": None,
        "total_liabilities_cny": None, "net_profit_cny": None, "net_profit_prev_cny": None, "rd_staff": None,
        "tech_talent": None, "innovative_products": None, "awards": None}


def test_a_firm_changes_its_own_facts_but_not_its_code(ctx):
    owner = user(person("enterprise"))
    assert refusal(Forbidden, enterprises.update, actor=user(person("institution")),
                   values={"employees": 3}).message == "只有企业可以修改企业画像"
    code = refusal(InvalidInput, enterprises.update, actor=owner, values={"uscc": valid_uscc(), "employees": 3})
    assert (code.message, code.fields) == ("统一社会信用代码不能修改", {"uscc": ["统一社会信用代码不能修改，如有误请联系管理员"]})
    unknown = refusal(InvalidInput, enterprises.update, actor=owner, values={"id": 9, "enterprise_id": 2, "name": "新名字"})
    assert (unknown.message, unknown.fields) == ("包含不能修改的字段", {"enterprise_id": ["不能修改此字段"],
                                                                "id": ["不能修改此字段"]})
    cleared = refusal(InvalidInput, enterprises.update, actor=owner, values={"credit_rating": "", "employees": 5})
    assert (cleared.message, cleared.fields) == ("企业信息有误", {"credit_rating": ["此项为必填项"]})
    firm = enterprises.update(actor=owner, values={
        "name": " 新名字科技 ", "district": " 渝北区 ", "industry": "life_health", "credit_rating": "AA",
        "certifications": ["tech_sme", "tech_sme"], "employees": 5, "share_in_leads": False, "has_collateral": 0})
    assert firm.has_collateral is False
    assert (firm.name, firm.district, firm.industry.value, firm.credit_rating.value, firm.certifications,
            firm.employees) == ("新名字科技", "渝北区", "life_health", "AA", ["tech_sme"], 5)
    assert db.session.scalar(sa.select(sa.func.count(Consent.id))) == 0  # the consent did not change


def test_a_change_of_consent_is_recorded_as_an_act_and_audited(ctx):
    owner = user(person("enterprise"))
    enterprises.update(actor=owner, values={"share_in_leads": 1})
    enterprises.update(actor=owner, values={"share_in_leads": True})  # no change, nothing recorded
    enterprises.update(actor=owner, values={"share_in_leads": 0})
    acts = db.session.scalars(sa.select(Consent).order_by(Consent.id)).all()
    assert [(a.enterprise_id, a.scope, a.granted, a.actor_id) for a in acts] == [
        (owner.enterprise_id, "leads", True, owner.id), (owner.enterprise_id, "leads", False, owner.id)]
    events = db.session.scalars(sa.select(AuditEvent).filter_by(action="consent.change").order_by(AuditEvent.id)).all()
    assert [(e.actor_id, e.target_type, e.target_id, e.detail) for e in events] == [
        (owner.id, "enterprise", owner.enterprise_id, {"scope": "leads", "granted": True}),
        (owner.id, "enterprise", owner.enterprise_id, {"scope": "leads", "granted": False})]
    assert db.session.get(Enterprise, owner.enterprise_id).share_in_leads is False


def test_a_firm_sees_who_opened_its_profile_newest_first(ctx):
    from matchmaker import audit
    from models import Institution

    firm, bank = person("enterprise"), person("institution")
    name = db.session.get(Institution, bank.institution_id).name
    for _ in range(3):
        audit.record("profile.view", actor_id=bank.id, target_type="enterprise", target_id=firm.enterprise_id)
    audit.record("profile.view", actor_id=bank.id, target_type="enterprise", target_id=firm.enterprise_id + 1)
    audit.record("product.create", actor_id=bank.id, target_type="enterprise", target_id=firm.enterprise_id)
    audit.record("profile.view", actor_id=bank.id, target_type="need", target_id=firm.enterprise_id)
    db.session.flush()
    seen = enterprises.profile_viewers(enterprise_id=firm.enterprise_id)
    assert [row[1] for row in seen] == [name] * 3
    assert [row[0] for row in seen] == sorted((row[0] for row in seen), reverse=True)
    assert len(enterprises.profile_viewers(enterprise_id=firm.enterprise_id, limit=2)) == 2
    db.session.add_all(AuditEvent(action="profile.view", actor_id=bank.id, target_type="enterprise",
                                  target_id=firm.enterprise_id) for _ in range(198))
    db.session.flush()
    assert len(enterprises.profile_viewers(enterprise_id=firm.enterprise_id)) == 200  # the latest 200
