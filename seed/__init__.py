"""The deterministic demo market (flask --app wsgi seed).

Defaults reproduce the real platform's 2019-2021 scale: 5,928 enterprises, 34 institutions, 135
products, and a history whose disbursed total comes to 13.34 亿元. The approval law the history is
drawn from is written down in ``seed/approval_law.py``.
"""
from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import sqlalchemy as sa
from tqdm import tqdm

from models import (
    Application, ApplicationEvent, ClaimRecovery, CompensationClaim, DemoMarket, Enterprise, EquityInterest, EquityNeed,
    FinancingNeed, Institution, InterestStep, InvestorProfile, ListingFacts, ListingStageChange, Loan, LoanRepayment, Policy,
    Product, RiskFund, RiskFundContribution,
    Roadshow, RoadshowPitch, RoadshowSeat, Role, User, db, hash_password,
)

from . import balance
from . import deals as deal_history
from . import policies as policy_rules
from . import equity as equity_history
from . import fund as fund_history
from . import listing as listing_history
from . import loans as loan_history
from .market import Market, draw_market

DEFAULT_ENTERPRISES = 5_928
DEFAULT_SEED = 2022
CREDENTIALS_FILE = "demo-logins.txt"
DEMO_EMAILS = {
    "admin": "admin@demo.gaoxin.cn",
    "institution": "officer@demo.gaoxin.cn",
    "enterprise": "owner@demo.gaoxin.cn",
    "fund": "investor@demo.gaoxin.cn",  # an officer of the first fund manager (股权融资)
}
TABLES = (Institution, Product, Enterprise, FinancingNeed, Application, ApplicationEvent, Loan, RiskFundContribution,
          CompensationClaim, ClaimRecovery, ListingFacts, ListingStageChange, InvestorProfile, EquityNeed, EquityInterest,
          InterestStep, Roadshow, RoadshowPitch, RoadshowSeat, Policy)
CHUNK = 2_000


class MarketNotEmpty(Exception):
    pass


def database_is_empty() -> bool:
    return all(
        db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
        for model in (User, Enterprise, Institution, Product)
    )


def load_market(*, enterprises: int = DEFAULT_ENTERPRISES, seed: int = DEFAULT_SEED,
                credentials_path: str | os.PathLike | None = None, progress: bool = True,
                as_of: dt.date | None = None, investors: int | None = None) -> dict[str, object]:
    """Draw the market and write it in bulk, in one transaction. Refuses a database holding data. ``investors``:
    add fund managers until the market holds that many (the plan's scale; ``flask seed --equity``)."""
    if not database_is_empty():
        raise MarketNotEmpty("数据库中已有数据，拒绝导入演示数据（demo data is only loaded into an empty database）")
    as_of = as_of or dt.date.today()
    market = draw_market(enterprises=enterprises, seed=seed, as_of=as_of)
    balance.fill(market, seed=seed)
    if investors:
        equity_history.more_funds(market, total=investors, seed=seed, as_of=as_of)
    loans, repayments = loan_history.draw(market, seed=seed, as_of=as_of)
    fund = fund_history.draw(loans, seed=seed, as_of=as_of)
    listing_facts, listing_stages = listing_history.draw(market, seed=seed, as_of=as_of)
    profiles = equity_history.draw(market, seed=seed, as_of=as_of)
    deals = deal_history.draw(market, profiles, seed=seed, as_of=as_of)
    rows = {
        Institution: [{k: v for k, v in r.items() if k != "short_name"} for r in market.institutions],
        Product: market.products,
        Enterprise: market.enterprises,
        FinancingNeed: market.needs,
        Application: market.applications,
        ApplicationEvent: market.events,
        Loan: loans,
        LoanRepayment: repayments,
        RiskFundContribution: fund["contributions"],
        CompensationClaim: fund["claims"],
        ClaimRecovery: fund["recoveries"],
        RiskFund: fund["fund"],
        ListingFacts: listing_facts,
        ListingStageChange: listing_stages,
        InvestorProfile: profiles,
        EquityNeed: deals["needs"],
        Roadshow: deals["roadshows"],
        RoadshowPitch: deals["pitches"],
        RoadshowSeat: deals["seats"],
        EquityInterest: deals["interests"],
        InterestStep: deals["steps"],
        Policy: policy_rules.draw(as_of=as_of),
    }
    total = sum(len(r) for r in rows.values())
    with tqdm(total=total, desc="seed", unit="rows", disable=not progress, mininterval=0.2) as bar:
        for model, model_rows in rows.items():
            bar.set_postfix_str(model.__tablename__)
            for start in range(0, len(model_rows), CHUNK):
                chunk = model_rows[start:start + CHUNK]
                # Core executemany: the ORM bulk path would send these one INSERT at a time.
                db.session.execute(sa.insert(model.__table__), chunk)
                bar.update(len(chunk))
    _reset_sequences()
    db.session.add(DemoMarket(seed=seed, enterprises=enterprises, as_of=as_of))
    logins = _demo_accounts(market)
    db.session.commit()
    if credentials_path is not None:
        _write_credentials(Path(credentials_path) / CREDENTIALS_FILE, logins)
    return summarize(market) | {"loans": len(loans), "overdue_loans": sum(1 for loan in loans if loan["status"] == "overdue"),
                                "written_off_loans": sum(1 for loan in loans if loan["status"] == "written_off"),
                                "risk_fund_balance_cny": fund["fund"][0]["balance_cny"],
                                "listing_pipeline": len(listing_facts), "investor_profiles": len(profiles),
                                "equity_rounds": len(deals["needs"]), "equity_interests": len(deals["interests"]),
                                "roadshows": len(deals["roadshows"]),
                                "demo_logins": ", ".join(f"{e}" for e, _ in logins.values())}


def _demo_accounts(market: Market) -> dict[str, tuple[str, str]]:
    """One account per role (and a fund manager's officer beside the bank's) with a password generated now (never
    the same twice)."""
    enterprise_id = _demo_enterprise_id(market)
    db.session.execute(sa.update(Enterprise).where(Enterprise.id == enterprise_id).values(share_in_leads=True))
    logins = {}
    fund_id = next(i["id"] for i in market.institutions if i["kind"] == "fund")
    for login, role, tenant in (("admin", "admin", {}), ("institution", "institution", {"institution_id": 1}),
                                ("enterprise", "enterprise", {"enterprise_id": enterprise_id}),
                                ("fund", "institution", {"institution_id": fund_id})):
        password = secrets.token_urlsafe(12)
        db.session.add(User(email=DEMO_EMAILS[login], role=Role(role), password_hash=hash_password(password),
                            **tenant))
        logins[login] = (DEMO_EMAILS[login], password)
    db.session.flush()
    return logins


def _demo_enterprise_id(market: Market) -> int:
    """A firm with an open need and a past loan, so every page has something to show."""
    borrowers = {a["enterprise_id"] for a in market.applications if a["status"] == "disbursed"}
    for need in market.needs:
        if need["status"] == "open" and need["enterprise_id"] in borrowers:
            return need["enterprise_id"]
    return market.enterprises[0]["id"]


def _reset_sequences() -> None:
    """Rows were written with explicit ids; PostgreSQL's sequences must continue after them."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in TABLES:
        table = model.__tablename__
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        ))


def _write_credentials(path: Path, logins: dict[str, tuple[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{role}\t{email}\t{password}" for role, (email, password) in logins.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)


def summarize(market: Market) -> dict[str, object]:
    disbursed = sum(a["disbursed_amount_cny"] or 0 for a in market.applications if a["status"] == "disbursed")
    return {
        "institutions": len(market.institutions),
        "products": len(market.products),
        "enterprises": len(market.enterprises),
        "needs": len(market.needs),
        "applications": len(market.applications),
        "disbursed_amount_cny": disbursed,
    }
