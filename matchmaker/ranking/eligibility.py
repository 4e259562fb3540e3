"""Eligibility: the hard filter, every rule checked for every (need, product) pair at once.

Each rule gives a boolean matrix (needs × products) of failures, and for any single pair a Chinese
sentence with the numbers ("申请金额 800 万元 超过该产品上限 500 万元").
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .codes import CERTIFICATION_LABELS, GRADES, INDUSTRIES, INDUSTRY_LABELS, KIND_LABELS, N_, RATINGS
from .frames import Needs, Products

RULES = ("kind", "rate", "amount_low", "amount_high", "term", "industry", "years", "revenue", "ip", "pledge",
         "certifications", "rating", "credit_grade", "collateral")


def wan(amount: float) -> str:
    """Yuan as a number of 万 (the sentence says the unit)."""
    return f"{amount / 10_000:,.2f}".rstrip("0").rstrip(".")


def num(value: float) -> str:
    return f"{value:g}"


@dataclass
class Eligibility:
    """Failures per rule over a block of needs × products; ``eligible`` is where none failed."""

    failed: dict[str, np.ndarray]
    needs: Needs
    products: Products
    need_index: np.ndarray
    product_index: np.ndarray

    @property
    def failed_count(self) -> np.ndarray:
        return sum(m.astype(np.int8) for m in self.failed.values())

    @property
    def eligible(self) -> np.ndarray:
        return self.failed_count == 0

    def reasons(self, row: int, col: int) -> list[str]:
        """Why the pair at (row, col) of this block is not eligible, in plain Chinese."""
        i, j = self.need_index[row], self.product_index[col]
        n, p = self.needs, self.products
        out = []
        for rule in RULES:
            if self.failed[rule][row, col]:
                out.append(_sentence(rule, n, i, p, j))
        return out


def counted_ip(needs: Needs, products: Products, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The IP a pair counts (broadcast over ``i`` × ``j``): for an IP-pledge product, what the firm's register
    can pledge when it keeps one; otherwise the IP the firm declares."""
    by_register = needs.registered[i] & products.ip_pledge[j]
    return np.where(by_register, np.nan_to_num(needs.pledgeable_ip[i]), needs.ip[i])


def pledge_cover(needs: Needs, products: Products, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """What the firm's registered IP can be lent against at the product's pledge ratio (yuan); NaN where the
    firm keeps no register or the product publishes no ratio."""
    known = needs.registered[i] & (products.pledge_ratio[j] > 0)
    return np.where(known, np.nan_to_num(needs.pledgeable[i]) * products.pledge_ratio[j], np.nan)


def check(needs: Needs, products: Products, need_index: np.ndarray | None = None,
          product_index: np.ndarray | None = None) -> Eligibility:
    ni = np.arange(len(needs)) if need_index is None else np.asarray(need_index)
    pj = np.arange(len(products)) if product_index is None else np.asarray(product_index)
    n, p = needs, products
    amount = n.amount[ni, None]
    term = n.term[ni, None]
    failed = {
        "kind": ~n.preferred[ni][:, p.kind[pj]],
        "rate": p.rate_min[pj] > n.max_rate[ni, None],
        "amount_low": amount < p.min_amount[pj],
        "amount_high": amount > p.max_amount[pj],
        "term": (term < p.min_term[pj]) | (term > p.max_term[pj]),
        "industry": ~p.industry_ok[pj][:, n.industry[ni]].T,
        "years": n.years[ni, None] < p.min_years[pj],
        "revenue": n.revenue[ni, None] < p.min_revenue[pj],
        "ip": counted_ip(n, p, ni[:, None], pj[None, :]) < p.min_ip[pj],
        "pledge": amount > np.nan_to_num(pledge_cover(n, p, ni[:, None], pj[None, :]), nan=np.inf),
        "certifications": (p.required[pj][None, :, :] & ~n.certs[ni][:, None, :]).any(axis=2),
        "rating": n.rating[ni, None] < p.min_rating[pj],
        "credit_grade": n.grade[ni, None] < p.min_grade[pj],
        "collateral": p.collateral_required[pj] & ~n.collateral[ni, None],
    }
    return Eligibility(failed, needs, products, ni, pj)


def _sentence(rule: str, n: Needs, i: int, p: Products, j: int) -> str:
    if rule == "kind":
        return N_("%(kind)s 不在您选择的产品类型中", kind=KIND_LABELS[p.kind[j]])
    if rule == "rate":
        return N_("产品最低年利率 %(rate)s%% 高于您可接受的 %(limit)s%%", rate=num(p.rate_min[j]), limit=num(n.max_rate[i]))
    if rule == "amount_low":
        return N_("申请金额 %(wan)s 万元 低于该产品下限 %(wan_low)s 万元", wan=wan(n.amount[i]), wan_low=wan(p.min_amount[j]))
    if rule == "amount_high":
        return N_("申请金额 %(wan)s 万元 超过该产品上限 %(wan_high)s 万元", wan=wan(n.amount[i]), wan_high=wan(p.max_amount[j]))
    if rule == "term":
        return N_("申请期限 %(term)s 个月 不在该产品期限范围 %(low)s–%(high)s 个月内", term=num(n.term[i]),
                  low=num(p.min_term[j]), high=num(p.max_term[j]))
    if rule == "industry":
        allowed = "、".join(INDUSTRY_LABELS[INDUSTRIES.index(c)] for c in p.industry_codes[j] if c in INDUSTRIES)
        return N_("该产品仅面向%(allowed)s行业，贵企业属于%(industry)s", allowed=allowed,
                  industry=INDUSTRY_LABELS[n.industry[i]])
    if rule == "years":
        return N_("经营年限 %(years)s 年 不足该产品要求的 %(required)s 年", years=f"{n.years[i]:.1f}",
                  required=num(p.min_years[j]))
    if rule == "revenue":
        return N_("年营业收入 %(wan)s 万元 低于该产品要求的 %(wan_required)s 万元", wan=wan(n.revenue[i]),
                  wan_required=wan(p.min_revenue[j]))
    if rule == "ip":
        if n.registered[i] and p.ip_pledge[j]:
            return N_("可质押的已登记知识产权 %(ip)s 项 少于该产品要求的 %(required)s 项", ip=num(n.pledgeable_ip[i]),
                      required=num(p.min_ip[j]))
        return N_("有效知识产权 %(ip)s 项 少于该产品要求的 %(required)s 项", ip=num(n.ip[i]), required=num(p.min_ip[j]))
    if rule == "pledge":
        return N_("可质押知识产权估值 %(wan_value)s 万元，按质押率 %(ratio)s%% 可贷 %(wan_cover)s 万元，低于申请金额 %(wan)s 万元",
                  wan_value=wan(n.pledgeable[i]), ratio=num(p.pledge_ratio[j] * 100),
                  wan_cover=wan(n.pledgeable[i] * p.pledge_ratio[j]), wan=wan(n.amount[i]))
    if rule == "credit_grade":
        required = GRADES[len(GRADES) - int(p.min_grade[j])]
        if not n.grade[i]:
            return N_("尚未获得知识价值信用评级，该产品要求 %(required)s 级及以上", required=required)
        return N_("知识价值信用评级 %(grade)s 级 低于该产品要求的 %(required)s 级", grade=n.grade_code[i], required=required)
    if rule == "certifications":
        missing = [CERTIFICATION_LABELS[k] for k in range(len(CERTIFICATION_LABELS))
                   if p.required[j, k] and not n.certs[i, k]]
        return N_("缺少该产品要求的资质：%(missing)s", missing="、".join(missing))
    if rule == "rating":
        return N_("信用评级 %(rating)s 低于该产品要求的 %(required)s", rating=n.rating_code[i],
                  required=RATINGS[len(RATINGS) - int(p.min_rating[j])])
    if rule == "collateral":
        return "该产品需要提供抵押物，本次需求未提供"
    raise ValueError(rule)
