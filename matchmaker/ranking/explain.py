"""Reasons in plain Chinese: what helps a pair's chance of approval and what hurts it."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.special import expit

from .codes import CERTIFICATION_LABELS, GRADES, INDUSTRIES, INDUSTRY_LABELS, N_, RATINGS
from .features import FEATURES

_COL = {name: k for k, name in enumerate(FEATURES)}
GROUPS: dict[str, list[int]] = {
    "rating": [_COL["rating"], _COL["rating_margin"]],
    "years": [_COL["log_years"], _COL["years_margin"]],
    "scale": [_COL["log_revenue"], _COL["log_employees"]],
    "leverage": [_COL["leverage"]],
    "ip": [_COL["log_ip"], _COL["ip_for_ip_product"], _COL["ip_registered"], _COL["log_pledgeable"],
           _COL["pledge_cover"]],
    "grade": [_COL["kv_grade"], _COL["kv_grade_margin"]],
    "rd": [_COL["rd_ratio"]],
    "certs": [_COL["high_tech"], _COL["specialized"], _COL["tech_sme"]],
    "collateral": [_COL["collateral_offered"], _COL["collateral_for_secured"]],
    "industry": [_COL["industry_focus"]],
    "pricing": [_COL["rate_min"], _COL["rate_max"], _COL["rate_x_lending"]],
    "fit": [_COL["amount_position"], _COL["term_position"]],
    "record": [_COL["product_id"]],  # the product's own appetite, learned from its decisions
}
ABSOLUTE_SILENT = {"record"}  # the same on every lead of a product: nothing an officer could rank by
MENTION_AT = 0.015  # smaller moves in probability are not worth a sentence
HELPS, HURTS = 2, 2


def additive_contributions(model, X: np.ndarray, base: np.ndarray | None = None) -> np.ndarray:
    """Exact for the additive ranker: a group's effect is its features' share of the log-odds (measured
    against the typical applicant), turned into a change of probability."""
    X = np.asarray(X, dtype=np.float64)
    start, parts = model.contributions(X)
    log_odds = start + parts.sum(axis=1) if base is None else np.log(base / (1 - base))
    return group_contributions(log_odds, parts)


def group_contributions(log_odds: np.ndarray, parts: np.ndarray) -> np.ndarray:
    """Per row and group: the probability with the group's log-odds parts minus without them."""
    out = np.empty((len(parts), len(GROUPS)))
    for g, columns in enumerate(GROUPS.values()):
        out[:, g] = expit(log_odds) - expit(log_odds - parts[:, columns].sum(axis=1))
    return out


def contributions(score: Callable[[np.ndarray], np.ndarray], X: np.ndarray, reference: np.ndarray,
                  base: np.ndarray | None = None) -> np.ndarray:
    """Per row and group: the score minus the score with that group set to ``reference`` (one call)."""
    X = np.asarray(X, dtype=np.float64)
    base = score(X) if base is None else base
    variants = np.repeat(X[None, :, :], len(GROUPS), axis=0)
    for g, columns in enumerate(GROUPS.values()):
        variants[g][:, columns] = reference[columns]
    changed = score(variants.reshape(-1, X.shape[1])).reshape(len(GROUPS), len(X))
    return (base[None, :] - changed).T


# The absolute phrases (what helps, what hurts) around the firm's own value.
SUFFIX = {"rating": ("%(value)s，有利于获批", "%(value)s，会降低获批可能"),
          "years": ("%(value)s，经营记录较长", "%(value)s，经营时间偏短"),
          "scale": ("%(value)s，规模有优势", "%(value)s，规模偏小"), "leverage": ("%(value)s，负担适中", "%(value)s，相对偏高"),
          "ip": ("%(value)s，契合该类产品", "%(value)s，对该产品支撑不足"),
          "rd": ("%(value)s，该类产品看重研发", "%(value)s，研发投入不足以打动该产品"),
          "grade": ("%(value)s，有利于获批", "%(value)s，会降低获批可能")}


def _firm_value(group: str, x: np.ndarray) -> str:
    def v(name):
        return float(x[_COL[name]])

    if group == "rating":
        return N_("信用评级 %(rating)s", rating=RATINGS[len(RATINGS) - int(round(v('rating')))])
    if group == "years":
        return N_("成立 %(years)s 年", years=f"{np.expm1(v('log_years')):.1f}")
    if group == "scale":
        return N_("年营业收入约 %(wan)s 万元", wan=f"{10 ** v('log_revenue') / 10_000:,.0f}")
    if group == "leverage":
        return N_("申请金额约为年营收的 %(pct)s%%", pct=f"{v('leverage') * 100:.0f}")
    if group == "ip":
        if v("ip_registered") > 0:
            return N_("已登记的知识产权可质押估值约 %(wan)s 万元", wan=f"{np.expm1(v('log_pledgeable')):,.0f}")
        return N_("拥有 %(ip)s 项知识产权", ip=f"{np.expm1(v('log_ip')):.0f}")
    if group == "grade":
        rank = int(round(v("kv_grade")))
        return N_("知识价值信用评级 %(grade)s 级", grade=GRADES[len(GRADES) - rank]) if rank else "尚未获得知识价值信用评级"
    if group == "rd":
        return N_("研发投入占营收 %(pct)s%%", pct=f"{v('rd_ratio'):.1f}")
    if group == "certs":
        held = [label for label, name in zip(CERTIFICATION_LABELS, ("high_tech", "specialized", "tech_sme"))
                if v(name) > 0]
        return N_("具备%(held)s资质", held="、".join(held)) if held else "暂无资质认定"
    return "可提供抵押物" if v("collateral_offered") > 0 else "未提供抵押物"


def _industry(x: np.ndarray) -> str:
    return next((label for k, label in enumerate(INDUSTRY_LABELS) if x[_COL[f"industry_{INDUSTRIES[k]}"]] > 0), "")


def _phrase(group: str, x: np.ndarray, helps: bool) -> str:
    if group in SUFFIX:
        return N_(SUFFIX[group][0 if helps else 1], value=_firm_value(group, x))
    if group == "certs":
        value = _firm_value(group, x)
        if helps and value != "暂无资质认定":
            return N_("%(value)s，加分", value=value)
        return "缺少高新技术企业等资质认定" if not helps else "资质认定情况有利于获批"
    if group == "collateral":
        return "可提供抵押物，契合该产品" if helps else "未提供抵押物，获批可能降低"
    if group == "industry":
        return N_("该产品专门支持%(industry)s行业", industry=_industry(x)) if helps else "该产品并非专门面向贵企业所在行业"
    if group == "pricing":
        return "该产品定价空间较大，审批相对灵活" if helps else "该产品利率较低，审批标准相对严格"
    if group == "fit":
        return "申请金额和期限处于该产品的常规区间" if helps else "申请金额或期限接近该产品的边界"
    raise ValueError(group)


def _relative_phrase(group: str, x: np.ndarray, delta: float) -> str:
    """What sets this product apart for this firm, against the other products it qualifies for, with the
    change of probability it makes (percentage points)."""
    points = N_("%(points)s 个百分点", points=f"{delta * 100:+.0f}")
    if group == "industry":
        return (N_("该产品青睐%(industry)s行业的企业，%(points)s", industry=_industry(x), points=points) if delta > 0
                else N_("该产品对%(industry)s行业的企业并不偏重，%(points)s", industry=_industry(x), points=points))
    if group == "pricing":
        rate = float(x[_COL["rate_min"]])
        return (N_("该产品风险定价较宽（最低年利率 %(rate)s%%），审批相对灵活，%(points)s", rate=f"{rate:.2f}", points=points)
                if delta > 0 else
                N_("该产品定价较低（最低年利率 %(rate)s%%），审批相对严格，%(points)s", rate=f"{rate:.2f}", points=points))
    if group == "fit":
        return (N_("申请金额正合该产品偏好的额度，%(points)s", points=points) if delta > 0
                else N_("申请金额离该产品偏好的额度较远，%(points)s", points=points))
    if group == "record":
        return (N_("该产品过往审批较宽松（按平台上的审批记录），%(points)s", points=points) if delta > 0
                else N_("该产品过往审批较严格（按平台上的审批记录），%(points)s", points=points))
    value = _firm_value(group, x)
    return (N_("该产品看重这一点：贵司%(value)s，%(points)s", value=value, points=points) if delta > 0
            else N_("对该产品帮助较小：贵司%(value)s，%(points)s", value=value, points=points))


def reasons(X: np.ndarray, deltas: np.ndarray, *, relative: bool = False) -> list[list[str]]:
    """For each row: up to HELPS sentences on what helps and HURTS on what hurts, strongest first.
    ``relative``: the deltas are measured against the other products the firm qualifies for, and the
    sentences say what this product weighs differently, with its size."""
    names = list(GROUPS)
    out = []
    for x, row in zip(np.asarray(X), np.asarray(deltas)):
        order = np.argsort(-np.abs(row))
        if relative:
            helps = [_relative_phrase(names[g], x, row[g]) for g in order if row[g] >= MENTION_AT][:HELPS]
            hurts = [_relative_phrase(names[g], x, row[g]) for g in order if row[g] <= -MENTION_AT][:HURTS]
        else:
            order = [g for g in order if names[g] not in ABSOLUTE_SILENT]
            helps = [_phrase(names[g], x, True) for g in order if row[g] >= MENTION_AT][:HELPS]
            hurts = [_phrase(names[g], x, False) for g in order if row[g] <= -MENTION_AT][:HURTS]
        out.append(helps + hurts)
    return out
