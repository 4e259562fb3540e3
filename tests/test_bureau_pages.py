"""The bureau's pages read by officials: the audit trail in sentences with the raw record on demand,
the ranker page in plain words with the technical figures one click away, the plan targets judged on
this year against the same days of last year."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from matchmaker import audit
from models import db
from tests.rule_helpers import use_cheap_argon2
from tests.test_admin_ops import sign_in

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def admin(make_user, monkeypatch):
    use_cheap_argon2(monkeypatch)
    return make_user("admin")


def _recorded_actions() -> set[str]:
    """Every action code the code writes into the trail (on the line that records it)."""
    found = set()
    for path in (ROOT / "matchmaker").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "audit.record(" in line or "_count_failure(" in line:
                found.update(re.findall(r'"([a-z_]+\.[a-z_]+)"', line))
    return found


def test_every_action_the_code_records_has_words(app):
    with app.test_request_context():
        words = app.jinja_env.get_template("admin/_audit_words.html").module
        known = set(words.action_words)
        targets = set(words.target_words)
    recorded = _recorded_actions()
    assert len(recorded) > 25 and {"profile.view", "document.view", "user.disable", "auth.login_failed"} <= recorded
    assert recorded - known == set()
    types = set()
    for path in (ROOT / "matchmaker").rglob("*.py"):
        types.update(re.findall(r'target_type="([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert types - targets == set()


def test_the_audit_trail_reads_as_sentences_with_the_raw_record_on_demand(client, admin, make_user, app):
    officer = make_user("institution")
    with app.app_context():
        audit.record("profile.view", actor_id=officer.id, target_type="enterprise", target_id=42,
                     detail={"application_id": 7})
        audit.record("something.new", actor_id=officer.id)
        db.session.commit()
    sign_in(client, admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    sentences = [re.sub(r"<[^>]+>", "", s) for s in re.findall(r'data-testid="sentence">(.*?)</td>', html, re.S)]
    assert f"{officer.email} 查看了企业画像：企业 #42" in sentences
    assert f"{officer.email} something.new" in sentences  # a code without words yet shows as it is
    assert f"{admin.email} 登录：账户 #{admin.id}" in sentences
    raw = re.search(r"<details><summary[^>]*>查看</summary><code class=\"small\">profile.view</code> "
                    r"<code class=\"small\">(.*?)</code></details>", html)
    assert raw and "application_id" in raw.group(1)
    assert '<option value="profile.view" >查看了企业画像</option>' in html


def test_the_ranker_page_speaks_plainly_and_keeps_the_figures_one_click_away(client, admin, app):
    from models import RankerModel

    metrics = {"ndcg_at_5": 0.8359, "auc": 0.8212, "brier": 0.17, "ece": 0.017, "gap_closed": 0.8337,
               "oracle_ndcg_at_5": 0.94, "reliability": []}
    with app.app_context():
        db.session.add(RankerModel(version="additive-test", is_active=True, trained_rows=11796, metrics=metrics,
                                   baseline_metrics={"rules": {"ndcg_at_5": 0.8396, "auc": 0.67},
                                                     "random": {"ndcg_at_5": 0.8027, "auc": 0.49}},
                                   sklearn_version="1", blob=b"", sha256="0" * 64, features=[],
                                   training_data_hash="0" * 64))
        db.session.commit()
    sign_in(client, admin)
    html = client.get("/admin/ranker").get_data(as_text=True)
    words = re.sub(r"<[^>]+>", "", re.search(r'data-testid="plain-words">(.*?)</ul>', html, re.S).group(1))
    assert "质量为 84 分（满分 100）；按公开准入规则排序为 84 分，随机排序为 80 分" in words
    assert "打分更高的概率为 82%" in words and "平均相差 1.7 个百分点" in words and "补上了 83%" in words
    assert "ndcg" not in words.lower() and "oracle" not in words.lower()
    technical = re.search(r'<details class="mb-4" id="technical">(.*?)</details>', html, re.S).group(1)
    assert "ndcg_at_5" in technical and "oracle" in technical
