"""Importing a bank's past decisions (the contract's historical outcomes CSV).

Each row is checked with the same rules as the pages (firm facts, need amounts); ``history.store``
writes the good ones. A bad row is reported with its line number and never stops, or half-writes,
the others. An imported row becomes a closed need plus an application in its final state, dated
``decided_on``; the ranker learns from it like from any decided application.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Callable

import sqlalchemy as sa

from models import MAX_MONEY_CNY, Product, User, db, uscc

from .. import audit, text
from . import history
from ..sql import LOCAL
from ..enterprise import services as enterprise_services
from ..errors import InvalidInput
from ..needs import services as need_services
from ..wording import N_

COLUMNS = ("uscc", "enterprise_name", "industry", "founded_on", "employees", "annual_revenue_cny", "rd_ratio_pct",
           "ip_count", "certifications", "credit_rating", "has_collateral", "product_id", "amount_cny", "term_months",
           "decision", "approved_amount_cny", "rate_pct", "decided_on")
DECISIONS = ("approved", "rejected", "disbursed")
FIELD_LABELS = {"uscc": "统一社会信用代码", "enterprise_name": "企业名称", "name": "企业名称", "industry": "行业",
                "founded_on": "成立日期", "employees": "员工人数", "annual_revenue_cny": "年营业收入",
                "rd_ratio_pct": "研发投入占比", "ip_count": "知识产权数量", "certifications": "资质",
                "credit_rating": "信用评级", "has_collateral": "有无抵押物", "product_id": "产品编号",
                "amount_cny": "申请金额", "term_months": "期限", "decision": "决定", "approved_amount_cny": "批准金额",
                "rate_pct": "利率", "decided_on": "决定日期"}


class RowError(Exception):
    """One row's problems, as ``column: message`` sentences."""


def _number(row: dict, field: str, problems: dict, kind: type = int):
    text = (row.get(field) or "").strip()
    if text == "":
        return None
    try:
        value = kind(text)
    except ValueError:
        problems.setdefault(field, []).append(N_("应为%(value)s：%(value2)s", value="整数" if kind is int else "数字",
                                                  value2=text[:40]))
        return None
    if kind is float and not math.isfinite(value):
        problems.setdefault(field, []).append(N_("应为有限的数字：%(value)s", value=text[:40]))
        return None
    return value


def _date(row: dict, field: str, problems: dict) -> dt.date | None:
    text = (row.get(field) or "").strip()
    if text == "":
        problems.setdefault(field, []).append("此项为必填项")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.setdefault(field, []).append(N_("日期格式应为 YYYY-MM-DD：%(text)s", text=text))
        return None


def parse_row(row: dict, *, products: dict[int, Product], today: dt.date) -> dict:
    """The row's values, checked; RowError names every bad column."""
    problems: dict[str, list[str]] = {}
    for column, cell in row.items():
        if cell and (problem := text.text_problem(cell)) is not None:
            problems[column] = [problem]
    if problems:  # nothing else in such a row can be trusted
        raise RowError(_sentence(problems))
    # _reader and import_csv hand over rows with every column present (a short row is rejected first).
    collateral = row["has_collateral"].strip().lower()
    if collateral not in ("true", "false"):
        problems["has_collateral"] = ["应为 true 或 false"]
    facts = {
        "name": row["enterprise_name"].strip(), "uscc": uscc.normalize(row["uscc"]),
        "industry": row["industry"].strip(), "founded_on": _date(row, "founded_on", problems),
        "employees": _number(row, "employees", problems), "annual_revenue_cny": _number(row, "annual_revenue_cny", problems),
        "rd_ratio_pct": _number(row, "rd_ratio_pct", problems, float), "ip_count": _number(row, "ip_count", problems),
        "certifications": sorted({c.strip() for c in (row.get("certifications") or "").split(";") if c.strip()}),
        "credit_rating": row["credit_rating"].strip(), "district": history.IMPORTED_DISTRICT,
        "has_collateral": collateral == "true",
    }
    for field, messages in enterprise_services.check_facts(facts, today=today).items():
        if field not in problems:
            problems.setdefault("enterprise_name" if field == "name" else field, []).extend(messages)
    need = {"amount_cny": _number(row, "amount_cny", problems), "term_months": _number(row, "term_months", problems)}
    for field, messages in need_services.check(need).items():
        if field not in problems:
            problems.setdefault(field, []).extend(messages)
    product_id = _number(row, "product_id", problems)
    if product_id is not None and product_id not in products:
        problems.setdefault("product_id", []).append(N_("未知的产品：%(product_id)s", product_id=product_id))
    decision = (row.get("decision") or "").strip()
    if decision not in DECISIONS:
        problems["decision"] = [N_("应为 %(value)s 之一：%(value2)s", value="、".join(DECISIONS), value2=decision or "（空）")]
    approved = _number(row, "approved_amount_cny", problems)
    rate = _number(row, "rate_pct", problems, float)
    if decision == "rejected" and (approved is not None or rate is not None):
        problems.setdefault("approved_amount_cny", []).append("拒绝的申请不应填写批准金额和利率")
    if decision in ("approved", "disbursed"):
        if approved is None and "approved_amount_cny" not in problems:
            problems["approved_amount_cny"] = ["获批的申请须填写批准金额"]
        elif approved is not None and approved <= 0:
            problems["approved_amount_cny"] = ["批准金额应大于 0"]
        elif approved is not None and product_id in products and approved > products[product_id].max_amount_cny:
            problems["approved_amount_cny"] = [
                N_("批准金额超过该产品上限 %(value)s 元：%(approved)s", value=f"{products[product_id].max_amount_cny:,}",
                   approved=f"{approved:,}")]
        elif approved is not None and approved > MAX_MONEY_CNY:
            problems["approved_amount_cny"] = [N_("批准金额超出上限 %(value)s 元", value=f"{MAX_MONEY_CNY:,}")]
        if rate is None and "rate_pct" not in problems:
            problems["rate_pct"] = ["获批的申请须填写利率"]
        elif rate is not None and not 0 <= rate <= 36:
            problems["rate_pct"] = ["利率应在 0% 到 36% 之间"]
    decided_on = _date(row, "decided_on", problems)
    if decided_on is not None:
        if decided_on > today:
            problems.setdefault("decided_on", []).append("决定日期不能晚于今天")
        elif facts["founded_on"] and decided_on < facts["founded_on"]:
            problems.setdefault("decided_on", []).append("决定日期早于企业成立日期")
    if problems:
        raise RowError(_sentence(problems))
    return {"facts": facts, "need": need, "product": products[product_id], "decision": decision,
            "approved_amount_cny": approved, "rate_pct": rate, "decided_on": decided_on}


def _sentence(problems: dict[str, list[str]]) -> str:
    return "；".join(f"{FIELD_LABELS.get(f, f)}（{f}）：{'，'.join(m)}" for f, m in problems.items())


def _reader(data: bytes) -> csv.DictReader:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput("文件不是 UTF-8 编码",
                           {"file": [N_("文件不是 UTF-8 编码（第 %(start)s 字节）", start=error.start)]}) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if not header:
        raise InvalidInput("文件为空", {"file": ["文件为空，至少应有表头一行"]})
    if missing:
        raise InvalidInput("表头缺少列", {"file": [N_("表头缺少列：%(value)s", value=", ".join(missing))]})
    reader.fieldnames = header
    return reader


def check_header(data: bytes) -> None:
    """The file's encoding and header, as import_csv checks them first (InvalidInput naming ``file``)."""
    _reader(data)


def import_csv(*, actor: User, data: bytes, today: dt.date | None = None,
               progress: Callable[[int], None] | None = None) -> dict:
    """Import every good row; → ``{"imported", "rejected_rows": [{"line", "error"}]}``."""
    today = today or dt.datetime.now(LOCAL).date()
    reader = _reader(data)
    products = {p.id: p for p in db.session.scalars(sa.select(Product))}
    checked, rejected = [], []
    for row in reader:
        line = reader.line_num
        if None in row or any(v is None for v in row.values()):
            rejected.append({"line": line, "error": N_("列数应为 %(value)s", value=len(COLUMNS))})
            continue
        try:
            checked.append((line, parse_row(row, products=products, today=today)))
        except RowError as error:
            rejected.append({"line": line, "error": str(error)})
    imported, refused = history.store(checked, actor_id=actor.id, progress=progress or (lambda done: None))
    rejected = sorted(rejected + refused, key=lambda r: r["line"])
    audit.record("outcomes.import", actor_id=actor.id, detail={"imported": imported, "rejected": len(rejected),
                                                             "bytes": len(data)})
    return {"imported": imported, "rejected_rows": rejected}
