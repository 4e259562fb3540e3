"""政策兑现 on the pages as their users submit them: the firm finds its interest subsidy already computed, is told why
and how much, claims it (a bad account number refused beside its field, the rest it typed kept); the bureau
approves and pays from its desk (a rejection without a reason says so); the firm sees it paid."""
from __future__ import annotations

import datetime as dt
import re

from tests.conftest import csrf_token
from tests.test_api import token_for
from tests.test_auth_pages import field_errors
from tests.test_equity_pages import post, signed_in
from tests.test_policies import LOCAL, SUBSIDY, backdate, expected_subsidy
from tests.test_risk_fund import lend


def test_the_firm_claims_on_its_page_and_the_bureau_pays_on_its_desk(app, client, make_user):
    people = {k: make_user(role) for k, role in (("bank", "institution"), ("firm", "enterprise"), ("admin", "admin"))}
    tokens = {k: token_for(client, who.email, who.password) for k, who in people.items()}
    client.post("/api/v1/admin/policies", headers=tokens["admin"], json=SUBSIDY)
    # A firm with no loan yet: the policy is one condition away, and says which.
    firm = signed_in(app, people["firm"])
    page = firm.get("/enterprise/policies").get_data(as_text=True)
    assert "暂无可享受的政策资金" in page and "科技信贷贴息" in page[page.index('data-testid="nearly"'):]
    loan = lend(client, {"bank": tokens["bank"], "firm": tokens["firm"]})
    since = backdate(app, loan["id"], 90)
    owed = expected_subsidy(1_000_000, since)
    page = firm.get("/enterprise/policies").get_data(as_text=True)
    entitlement = int(re.search(r'data-entitlement="(\d+)"', page).group(1))
    assert f"{owed:,} 元" in page and "可申领" in page and "× LPR 3% × 50% ×" in page
    url = f"/enterprise/policies/{entitlement}/claim"
    prefix = f"e{entitlement}-"
    typed = {prefix + "payee_account_name": "重庆云启智能科技有限公司", prefix + "payee_account_no": "6222-abc",
             prefix + "payee_bank": "中国工商银行重庆高新支行"}
    wrong = firm.post(url, data={prefix + "csrf_token": csrf_token(page), **typed})
    assert wrong.status_code == 422 and prefix + "payee_account_no" in field_errors(wrong.get_data(as_text=True))
    assert "中国工商银行重庆高新支行" in wrong.get_data(as_text=True)  # the rest of what was typed is kept
    done = firm.post(url, data={prefix + "csrf_token": csrf_token(page), **typed,
                                prefix + "payee_account_no": "6222021234567890"})
    assert done.status_code == 302
    assert "待审核" in firm.get("/enterprise/policies").get_data(as_text=True)
    admin = signed_in(app, people["admin"])
    desk = admin.get("/admin/policies").get_data(as_text=True)
    assert "6222021234567890" in desk and f"{owed:,} 元" in desk
    decide = re.search(r'action="(/admin/policies/claims/\d+/decision)"', desk).group(1)
    refused = admin.post(decide, data={"csrf_token": csrf_token(desk), "decision": "reject", "reason": ""},
                         follow_redirects=True)
    assert "驳回须说明理由" in refused.get_data(as_text=True)
    assert post(admin, decide, {"decision": "approve", "reason": ""}, page="/admin/policies").status_code == 302
    desk = admin.get("/admin/policies").get_data(as_text=True)
    pay = re.search(r'action="(/admin/policies/claims/\d+/payment)"', desk).group(1)
    today = dt.datetime.now(LOCAL).date().isoformat()
    assert admin.post(pay, data={"csrf_token": csrf_token(desk), "paid_on": today}).status_code == 302
    shown = firm.get("/enterprise/policies").get_data(as_text=True)
    assert "已拨付" in shown and f"已于 {today} 拨付" in shown
