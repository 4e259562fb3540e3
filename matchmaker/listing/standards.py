"""The exchanges' listing standards checked on a firm's facts (上市辅导): pure rules, no database.

Each board's standards (LISTING_STANDARDS) are conditions on metrics computed here from the facts; a standard is
met when all its conditions and the board's common ones are; each unmet condition is a gap in numbers ("预计市值
8 亿元，还差 2 亿元"), a missing fact says which. "Net profit" is the lower of before and after non-recurring
items, as the firm enters it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..wording import N_

# metric → (label, unit): "money" (yuan), "pct", "months" or "flag"
METRICS = {
    "market_value": ("预计市值", "money"), "share_capital": ("股本总额", "money"),
    "net_profit": ("最近一年净利润", "money"), "net_profit_min_2y": ("最近两年净利润的较低者", "money"),
    "net_profit_2y": ("最近两年净利润合计", "money"), "revenue": ("最近一年营业收入", "money"),
    "revenue_avg_2y": ("最近两年平均营业收入", "money"), "revenue_growth_pct": ("最近一年营业收入增长率", "pct"),
    "rd_3y_pct": ("最近三年研发投入占营业收入比例", "pct"), "rd_2y_pct": ("最近两年研发投入占营业收入比例", "pct"),
    "rd_2y": ("最近两年研发投入合计", "money"), "ocf": ("最近一年经营活动现金流量净额", "money"),
    "ocf_3y": ("最近三年经营活动现金流量净额合计", "money"), "roe": ("最近一年加权平均净资产收益率", "pct"),
    "roe_avg_2y": ("最近两年加权平均净资产收益率平均值", "pct"), "neeq_months": ("在新三板创新层挂牌", "months"),
    "net_assets": ("净资产", "money"), "national_main_product": ("主要产品经国家有关部门批准", "flag"),
}


@dataclass(frozen=True)
class Check:
    board: str
    standard: str
    met: bool
    gaps: list[str]


def _both(a, b):
    return a is not None and b is not None


def metrics(facts: Mapping) -> dict:
    """The metrics the standards read, from the facts (None where a fact they need is missing)."""
    f = facts
    rev, rev1, rev2 = f.get("revenue"), f.get("revenue_prev"), f.get("revenue_prev2")
    rd, rd1, rd2 = f.get("rd_expense"), f.get("rd_expense_prev"), f.get("rd_expense_prev2")
    np0, np1 = f.get("net_profit"), f.get("net_profit_prev")
    out = {
        "market_value": f.get("market_value"), "share_capital": f.get("share_capital"), "net_profit": np0,
        "net_profit_min_2y": min(np0, np1) if _both(np0, np1) else None,
        "net_profit_2y": np0 + np1 if _both(np0, np1) else None, "revenue": rev,
        "revenue_avg_2y": (rev + rev1) / 2 if _both(rev, rev1) else None,
        "revenue_growth_pct": (rev / rev1 - 1) * 100 if _both(rev, rev1) and rev1 > 0 else None,
        "rd_3y_pct": None, "rd_2y_pct": None, "rd_2y": rd + rd1 if _both(rd, rd1) else None,
        "ocf": f.get("ocf"), "ocf_3y": f.get("ocf_3y"), "roe": f.get("roe"),
        "roe_avg_2y": (f["roe"] + f["roe_prev"]) / 2 if _both(f.get("roe"), f.get("roe_prev")) else None,
        "neeq_months": f.get("neeq_months"), "net_assets": f.get("net_assets"),
        "national_main_product": 1 if f.get("national_main_product") else 0,
    }
    if None not in (rev, rev1, rev2, rd, rd1, rd2) and rev + rev1 + rev2 > 0:
        out["rd_3y_pct"] = 100 * (rd + rd1 + rd2) / (rev + rev1 + rev2)
    if None not in (rev, rev1, rd, rd1) and rev + rev1 > 0:
        out["rd_2y_pct"] = 100 * (rd + rd1) / (rev + rev1)
    return out


def _wan(amount: float) -> str:
    """Yuan in 万, to the yuan (four places at most, none when whole)."""
    return f"{round(amount) / 10_000:,.4f}".rstrip("0").rstrip(".")


def gap(metric: str, op: str, threshold: float, value) -> str | None:
    """The sentence saying how far ``value`` is from the condition, or None when it is met."""
    label, unit = METRICS[metric]
    if value is None:
        return N_("缺少数据：%(label)s", label=label)
    met = value > threshold if op == "gt" else value >= threshold
    if met:
        return None
    if unit == "flag":
        return N_("须%(label)s", label=label)
    if op == "gt":
        if unit == "money":
            return N_("%(label)s为 %(wan)s 万元，须为正", label=label, wan=_wan(value))
        return N_("%(label)s为 %(value)s，须为正", label=label, value=f"{value:g}")
    if unit == "money":
        return N_("%(label)s %(wan)s 万元，还差 %(wan_gap)s 万元（标准 ≥ %(wan_need)s 万元）", label=label,
                  wan=_wan(value), wan_gap=_wan(threshold - value), wan_need=_wan(threshold))
    if unit == "pct":
        return N_("%(label)s %(value)s%%，还差 %(gap)s 个百分点（标准 ≥ %(need)s%%）", label=label,
                  value=f"{value:.1f}", gap=f"{threshold - value:.1f}", need=f"{threshold:g}")
    return N_("%(label)s %(value)s 个月，还差 %(gap)s 个月（标准 ≥ %(need)s 个月）", label=label, value=f"{value:g}",
              gap=f"{threshold - value:g}", need=f"{threshold:g}")


def check(facts: Mapping, standards: Mapping) -> list[Check]:
    """Every standard of every board, in the configuration's order, met or with its gaps."""
    return check_metrics(metrics(facts), standards)


def check_metrics(found: Mapping, standards: Mapping) -> list[Check]:
    out = []
    for board, rules in standards["boards"].items():
        for name, conditions in rules["standards"].items():
            gaps = [g for metric, op, threshold in (*rules["common"], *conditions)
                    if (g := gap(metric, op, threshold, found[metric])) is not None]
            out.append(Check(board=board, standard=name, met=not gaps, gaps=gaps))
    return out
