"""The knowledge-value credit evaluation's rules (matchmaker/credit/services.py): the grade and the line at
each cut-off, every indicator within its maximum, improvements that really raise the score (and the grade
when they say so), and the table read from configuration."""
from __future__ import annotations

import random

import pytest

from matchmaker.credit import services


@pytest.fixture
def rules(app):
    with app.app_context():
        yield services.table()


def facts(ip=0, rd=0.0, employees=100, staff=0, talent=0, products=0, certifications=(), awards=0) -> dict:
    return services.changed({"ip_count": ip, "rd_ratio_pct": rd, "employees": employees, "rd_staff": staff,
                             "tech_talent": talent, "innovative_products": products,
                             "certifications": list(certifications), "awards": awards}, {})


# (facts, score, grade, line): each cut-off from both sides; the points as the table gives them.
WORKED = [
    (facts(ip=20, rd=15, staff=30, talent=10), 80, "A", 5_000_000),  # 30 + 25 + 15 + 10
    (facts(ip=20, rd=15, staff=30, talent=5, certifications=["tech_sme"]), 79, "B", 4_000_000),  # 30+25+15+6+3
    (facts(ip=10, rd=15, staff=30), 65, "B", 4_000_000),  # 25 + 25 + 15
    (facts(ip=20, rd=12, staff=10, talent=1, products=1), 64, "C", 3_000_000),  # 30 + 22 + 5 + 3 + 4
    (facts(ip=10, rd=15), 50, "C", 3_000_000),  # 25 + 25
    (facts(ip=5, rd=12, talent=1, products=1), 49, "D", 1_600_000),  # 20 + 22 + 3 + 4
    (facts(ip=3, rd=5, talent=1, products=1), 35, "D", 1_600_000),  # 15 + 13 + 3 + 4
    (facts(ip=1, rd=5, staff=20, talent=1), 34, "E", 800_000),  # 8 + 13 + 10 + 3
    (facts(ip=1, rd=3, products=1), 20, "E", 800_000),  # 8 + 8 + 4
    (facts(ip=1, rd=3, certifications=["tech_sme"]), 19, None, None),  # 8 + 8 + 3: below E
    (facts(ip=20, rd=2.5, staff=30), 45, None, None),  # neither a tech certification nor 3 % R&D
    (facts(ip=20, rd=2.5, staff=30, certifications=["high_tech_enterprise"]), 50, "C", 3_000_000),  # 30+0+15+5
    (facts(certifications=["high_tech_enterprise", "specialized_innovative", "tech_sme"], awards=3), 10, None, None),
]


@pytest.mark.parametrize(("firm", "score", "grade", "line"), WORKED)
def test_the_grade_and_line_at_each_cut_off(rules, firm, score, grade, line):
    evaluation = services.evaluate(firm, rules)
    assert (evaluation.score, evaluation.grade, evaluation.indicative_line_cny) == (score, grade, line)


def test_a_firm_that_does_not_qualify_is_told_how_to(rules):
    evaluation = services.evaluate(facts(ip=20, rd=2.5, staff=30), rules)
    assert evaluation.improvements[0].sentence == \
        "取得高新技术企业、专精特新或科技型中小企业认定，或研发投入达到营收的 3%，即可参加评价"
    assert services.evaluate(facts(ip=20, rd=3.0), rules).grade is not None  # 3 % is enough


def test_status_points_add_up_and_stop_at_their_maximum(rules):
    def status(**kw):
        return next(i for i in services.evaluate(facts(rd=3, **kw), rules).indicators if i.code == "status")

    assert status().points == 0
    assert status(certifications=["high_tech_enterprise"]).points == 5
    assert status(certifications=["high_tech_enterprise", "tech_sme"]).points == 8
    assert status(certifications=["tech_sme"], awards=2).points == 7
    assert status(certifications=["high_tech_enterprise", "specialized_innovative", "tech_sme"]).points == 10
    assert status(awards=9).points == 10
    assert status(awards=9).value == 9 and status(certifications=["tech_sme"], awards=2).value == 3


def _random_firm(generator: random.Random) -> dict:
    employees = generator.choice([0, 1, 8, 40, 300])
    return facts(ip=generator.choice([0, 1, 2, 3, 4, 5, 9, 10, 19, 20, 60]),
                 rd=generator.choice([0.0, 2.9, 3.0, 4.99, 5.0, 8.0, 11.9, 12.0, 15.0, 40.0]),
                 employees=employees, staff=generator.randint(0, employees),
                 talent=generator.choice([0, 1, 4, 5, 9, 10, 50]), products=generator.choice([0, 1, 2, 3, 5, 8]),
                 certifications=generator.sample(["high_tech_enterprise", "specialized_innovative", "tech_sme"],
                                                 generator.randint(0, 3)),
                 awards=generator.choice([0, 0, 1, 4]))


def test_every_indicator_stays_within_its_maximum(rules):
    generator = random.Random(16)
    maxima = {code: max(points for _t, points in steps) for code, (_f, steps) in rules["indicators"].items()}
    maxima["status"] = rules["status_max"]
    assert sum(maxima.values()) == 100  # the table is out of a hundred
    for _ in range(400):
        evaluation = services.evaluate(_random_firm(generator), rules)
        assert {i.code: i.max_points for i in evaluation.indicators} == maxima
        assert all(0 <= i.points <= i.max_points for i in evaluation.indicators)
        assert evaluation.score == sum(i.points for i in evaluation.indicators) <= 100


def test_each_improvement_applied_to_the_facts_really_raises_the_score(rules):
    generator = random.Random(1616)
    checked = graded_up = 0
    for _ in range(300):
        firm = _random_firm(generator)
        before = services.evaluate(firm, rules)
        for step in before.improvements:
            if not step.changes:  # the way in for a firm that does not qualify
                continue
            after = services.evaluate(services.changed(firm, step.changes), rules)
            assert after.score == before.score + step.points > before.score, (firm, step)
            assert f"加 {step.points} 分，总分 {before.score} → {after.score}" in step.sentence
            if "评级升至" in step.sentence:
                assert step.sentence.endswith(f"评级升至 {after.grade}") and after.grade != before.grade
                graded_up += 1
            else:
                assert after.grade == before.grade or after.grade is None
            checked += 1
        gains = [s.points for s in before.improvements if s.changes]
        assert gains == sorted(gains, reverse=True)  # the biggest gain first
    assert checked > 1000 and graded_up > 50


def test_improvements_name_the_numbers(rules):
    steps = [s.sentence for s in services.evaluate(facts(ip=4, rd=6, employees=40, staff=5, talent=2, products=1,
                                                         certifications=["tech_sme"]), rules).improvements]
    assert "知识产权从 4 项 提高到 5 项：加 5 分，总分 43 → 48" in steps
    assert "研发人员从 5 人增至 8 人（占员工 20%）：加 5 分，总分 43 → 48" in steps
    assert "取得高新技术企业认定：加 5 分，总分 43 → 48" in steps
    assert "科技人才从 2 人 提高到 5 人：加 3 分，总分 43 → 46" in steps
    assert "研发投入从 6.0% 提高到 8.0%：加 5 分，总分 43 → 48" in steps
    assert "创新产品从 1 项 提高到 3 项：加 3 分，总分 43 → 46" in steps
    odd = [s.sentence for s in services.evaluate(facts(rd=3, employees=101), rules).improvements]
    assert any(s.startswith("研发人员从 0 人增至 11 人（占员工 10%）") for s in odd)  # 10 % of 101, rounded up
    nobody = [s.sentence for s in services.evaluate(facts(rd=3, employees=0), rules).improvements]
    assert not any(s.startswith("研发人员") for s in nobody)  # no head count, no share to reach
    assert any(s.startswith("科技人才从 0 人") for s in nobody) and any(s.startswith("创新产品") for s in nobody)
    values = {i.code: i.value for i in services.evaluate(facts(ip=4, rd=6, employees=40, staff=5, talent=2,
                                                             products=1, certifications=["tech_sme"], awards=2),
                                                       rules).indicators}
    assert values == {"ip": 4, "rd_investment": 6, "rd_staff": 12.5, "talent": 2, "products": 1, "status": 3}
    labels = {i.code: i.label for i in services.evaluate(facts(), rules).indicators}
    assert labels == {"ip": "知识产权", "rd_investment": "研发投入", "rd_staff": "研发人员", "talent": "科技人才",
                      "products": "创新产品", "status": "资质与奖项"}
    top = facts(ip=20, rd=15, staff=30, talent=10, products=5, certifications=["high_tech_enterprise"], awards=3)
    assert services.evaluate(top, rules).improvements == []


def test_the_table_is_configuration(app):
    firm = facts(ip=10, rd=15)  # 50 points
    with app.app_context():
        assert services.evaluate(firm, services.table()).grade == "C"
        app.config["KNOWLEDGE_VALUE_GRADES"] = (("A", 50, 9_000_000), ("E", 10, 100_000))
        app.config["KNOWLEDGE_VALUE_INDICATORS"] = {**app.config["KNOWLEDGE_VALUE_INDICATORS"],
                                                    "ip": ("ip_count", ((10, 1),))}
        evaluation = services.evaluate(firm, services.table())
        assert (evaluation.score, evaluation.grade, evaluation.indicative_line_cny) == (26, "E", 100_000)


@pytest.fixture
def officer(make_user):
    return make_user("institution").id


def test_only_a_firm_reads_its_own_evaluation(officer, app):
    from matchmaker.errors import Forbidden
    from models import User, db

    with app.app_context():
        with pytest.raises(Forbidden) as refused:
            services.get(actor=db.session.get(User, officer))
        assert refused.value.message == "只有企业可以查看自己的信用评价"


def test_the_facts_read_from_a_firm(app):
    from types import SimpleNamespace

    def firm(**kw):
        base = dict(ip_count=3, rd_ratio_pct=5.0, employees=40, rd_staff=None, tech_talent=None,
                    innovative_products=None, certifications=None, awards=None)
        return SimpleNamespace(**{**base, **kw})

    assert services.facts_of(firm()) == {
        "ip_count": 3, "rd_ratio_pct": 5.0, "employees": 40, "rd_staff": 0, "rd_staff_pct": 0.0, "tech_talent": 0,
        "innovative_products": 0, "certifications": [], "awards": 0}  # what is not given counts as none
    assert services.changed(services.facts_of(firm()), {"rd_staff": 10})["rd_staff_pct"] == 25.0
    assert services.facts_of(firm(rd_staff=5))["rd_staff_pct"] == 12.5
    assert services.facts_of(firm(rd_staff=0, employees=0))["rd_staff_pct"] == 0.0
    with app.app_context():
        unknown = services.evaluate(facts(rd=3, certifications=["not_a_certification"]), services.table())
        assert next(i.points for i in unknown.indicators if i.code == "status") == 0


def test_awards_are_the_step_once_every_certification_is_held(app):
    with app.app_context():
        app.config["KNOWLEDGE_VALUE_STATUS_MAX"] = 15  # room above the three certifications' 12 points
        rules = services.table()
        firm = facts(rd=3, certifications=["high_tech_enterprise", "specialized_innovative", "tech_sme"])
        steps = services.evaluate(firm, rules).improvements
        award = next(s for s in steps if "awards" in s.changes)
        assert award.changes == {"awards": 1} and award.points == 2
        assert award.sentence.startswith("再获得 1 项科技奖励：加 2 分")
        assert not any("certifications" in s.changes for s in steps)


def test_the_way_in_is_a_sentence_without_a_change(rules):
    first = services.evaluate(facts(ip=20, rd=2.5), rules).improvements[0]
    assert (first.changes, first.points) == ({}, 0)
    up = [s.sentence for s in services.evaluate(facts(ip=10, rd=12, staff=10), rules).improvements]  # 25+22+5 = 52
    assert "研发投入从 12.0% 提高到 15.0%：加 3 分，总分 52 → 55" in up
    assert "研发人员从 10 人增至 20 人（占员工 20%）：加 5 分，总分 52 → 57" in up
    assert "知识产权从 10 项 提高到 20 项：加 5 分，总分 52 → 57" in up
    grade_up = [s.sentence for s in services.evaluate(facts(ip=10, rd=15, staff=20, talent=1), rules).improvements
                if "评级升至" in s.sentence]  # 25 + 25 + 10 + 3 = 63: five more points make a B
    assert "研发人员从 20 人增至 30 人（占员工 30%）：加 5 分，总分 63 → 68，评级升至 B" in grade_up
