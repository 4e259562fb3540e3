"""Reasons in plain Chinese: what helps a pair's chance of approval and what hurts it."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .codes import CERTIFICATION_LABELS, INDUSTRIES, INDUSTRY_LABELS, RATINGS
from .features import FEATURES

_COL = {name: k for k, name in enumerate(FEATURES)}
GROUPS: dict[str, list[int]] = {
    "rating": [_COL["rating"], _COL["rating_margin"]],
    "years": [_COL["log_years"], _COL["years_margin"]],
    "scale": [_COL["log_revenue"], _COL["log_employees"]],
    "leverage": [_COL["leverage"]],
    "ip": [_COL["log_ip"], _COL["ip_for_ip_product"]],
    "rd": [_COL["rd_ratio"]],
    "certs": [_COL["high_tech"], _COL["specialized"], _COL["tech_sme"]],
    "collateral": [_COL["collateral_offered"], _COL["collateral_for_secured"]],
    "industry": [_COL["industry_focus"]],
    "pricing": [_COL["rate_min"], _COL["rate_max"], _COL["rate_x_lending"]],
    "fit": [_COL["amount_position"], _COL["term_position"]],
}
MENTION_AT = 0.015  # smaller moves in probability are not worth a sentence
HELPS, HURTS = 2, 2


def additive_contributions(model, X: np.ndarray, base: np.ndarray | None = None) -> np.ndarray:
    """Exact for the additive ranker: a group's effect is its features' share of the log-odds (measured
    against the typical applicant), turned into a change of probability."""
    X = np.asarray(X, dtype=np.float64)
    start, parts = model.contributions(X)
    log_odds = start + parts.sum(axis=1) if base is None else np.log(base / (1 - base))
    out = np.empty((len(X), len(GROUPS)))
    for g, columns in enumerate(GROUPS.values()):
        out[:, g] = _expit(log_odds) - _expit(log_odds - parts[:, columns].sum(axis=1))
    return out


def _expit(x):
    return 1.0 / (1.0 + np.exp(-x))


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


def _phrase(group: str, x: np.ndarray, helps: bool) -> str:
    def v(name):
        return float(x[_COL[name]])

    if group == "rating":
        rating = RATINGS[len(RATINGS) - int(round(v("rating")))]
        return f"信用评级 {rating}，{'有利于获批' if helps else '会降低获批可能'}"
    if group == "years":
        years = np.expm1(v("log_years"))
        return f"成立 {years:.1f} 年，{'经营记录较长' if helps else '经营时间偏短'}"
    if group == "scale":
        revenue = 10 ** v("log_revenue") / 10_000
        return f"年营业收入约 {revenue:,.0f} 万元，{'规模有优势' if helps else '规模偏小'}"
    if group == "leverage":
        share = v("leverage") * 100
        return f"申请金额约为年营收的 {share:.0f}%，{'负担适中' if helps else '相对偏高'}"
    if group == "ip":
        ip = np.expm1(v("log_ip"))
        return f"拥有 {ip:.0f} 项知识产权，{'契合该类产品' if helps else '对该产品支撑不足'}"
    if group == "rd":
        return f"研发投入占营收 {v('rd_ratio'):.1f}%，{'该类产品看重研发' if helps else '研发投入不足以打动该产品'}"
    if group == "certs":
        held = [label for label, name in zip(CERTIFICATION_LABELS, ("high_tech", "specialized", "tech_sme"))
                if v(name) > 0]
        if helps and held:
            return f"具备{'、'.join(held)}资质，加分"
        return "缺少高新技术企业等资质认定" if not helps else "资质认定情况有利于获批"
    if group == "collateral":
        return "可提供抵押物，契合该产品" if helps else "未提供抵押物，获批可能降低"
    if group == "industry":
        industry = next((label for k, label in enumerate(INDUSTRY_LABELS) if x[_COL[f"industry_{INDUSTRIES[k]}"]] > 0), "")
        return f"该产品专门支持{industry}行业" if helps else "该产品并非专门面向贵企业所在行业"
    if group == "pricing":
        return "该产品定价空间较大，审批相对灵活" if helps else "该产品利率较低，审批标准相对严格"
    if group == "fit":
        return "申请金额和期限处于该产品的常规区间" if helps else "申请金额或期限接近该产品的边界"
    raise ValueError(group)


def reasons(X: np.ndarray, deltas: np.ndarray) -> list[list[str]]:
    """For each row: up to HELPS sentences on what helps and HURTS on what hurts, strongest first."""
    names = list(GROUPS)
    out = []
    for x, row in zip(np.asarray(X), np.asarray(deltas)):
        order = np.argsort(-np.abs(row))
        helps = [_phrase(names[g], x, True) for g in order if row[g] >= MENTION_AT][:HELPS]
        hurts = [_phrase(names[g], x, False) for g in order if row[g] <= -MENTION_AT][:HURTS]
        out.append(helps + hurts)
    return out
