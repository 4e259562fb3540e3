"""The statistics as CSV: UTF-8 with a byte-order mark, so Excel opens the Chinese text intact."""
from __future__ import annotations

import csv
import io

from models import User

from .. import audit
from ..wording import N_
from . import stats

HEADLINE = (("enterprises", "企业数"), ("institutions", "金融机构数"), ("products", "上架产品数"),
            ("needs", "融资需求数"), ("applications", "申请数"), ("approved", "获批数"), ("rejected", "拒绝数"),
            ("disbursed", "放款笔数"), ("disbursed_amount_cny", "促成融资（元）"), ("approval_rate", "获批率"),
            ("median_response_hours", "响应时间中位数（小时）"))
FIGURES = (("applications", "申请数"), ("approved", "获批数"), ("rejected", "拒绝数"), ("approval_rate", "获批率"),
           ("disbursed", "放款笔数"), ("disbursed_amount_cny", "促成融资（元）"))
LOAN_HEADLINE = (("loan_book", "loans", "在贷笔数"), ("loan_book", "outstanding_cny", "贷款余额（元）"),
                 ("loan_book", "overdue_loans", "逾期笔数"), ("loan_book", "overdue_cny", "逾期贷款余额（元）"),
                 ("loan_book", "overdue_ratio", "逾期率"), ("loan_book", "written_off", "核销笔数"),
                 ("loan_book", "lent_cny", "区间内放款本金（元）"), ("loan_book", "default_rate", "区间内放款违约率"),
                 ("risk_fund", "balance_cny", "风险补偿资金池余额（元）"), ("risk_fund", "paid_cny", "累计赔付（元）"),
                 ("risk_fund", "returned_cny", "追偿退回（元）"), ("risk_fund", "claims_paid", "区间内赔付笔数"),
                 ("risk_fund", "claims_paid_cny", "区间内赔付金额（元）"), ("risk_fund", "claims_pending", "待审核补偿申请"),
                 ("equity", "rounds", "区间内股权融资需求数"), ("equity", "deals_invested", "区间内投资笔数"),
                 ("equity", "raised_cny", "区间内股权融资额（元）"), ("equity", "investors", "投资机构（已发布投资偏好）"),
                 ("equity", "investors_active", "区间内活跃投资机构"))
ROADSHOW_HEADLINE = (("held", "区间内举办路演"), ("seats", "投资机构席位"), ("pitches", "企业申请"),
                     ("pitches_accepted", "入选推介"), ("room_interests", "现场意向"), ("room_invested_cny", "现场意向投资额（元）"))
LOAN_FIGURES = (("loans", "在贷笔数"), ("outstanding_cny", "贷款余额（元）"), ("overdue_loans", "逾期笔数"),
                ("overdue_cny", "逾期贷款余额（元）"), ("overdue_ratio", "逾期率"), ("lent_cny", "区间内放款本金（元）"),
                ("defaulted_cny", "其中违约（元）"), ("default_rate", "违约率"))
SECTIONS = (
    ("by_kind", "按产品类型", (("kind", "代码"), ("label", "产品类型"), ("products", "上架产品数"), *FIGURES)),
    ("by_industry", "按行业", (("industry", "代码"), ("label", "行业"), ("enterprises", "企业数"), ("needs", "融资需求数"),
                               *FIGURES)),
    ("by_institution", "按机构", (("institution_id", "机构编号"), ("name", "机构"), ("kind_label", "机构类型"),
                                  ("products", "上架产品数"), *FIGURES,
                                  ("median_response_hours", "响应时间中位数（小时）"),
                                  ("p90_response_hours", "响应时间90分位（小时）"),
                                  ("service_target_days", "服务承诺（工作日）"),
                                  ("within_target_share", "按时答复占比"))),
    ("monthly", "按月", (("month", "月份"), ("needs", "融资需求数"), ("applications", "申请数"), ("approved", "获批数"),
                          ("rejected", "拒绝数"), ("disbursed_amount_cny", "促成融资（元）"))),
    ("credit_grades", "知识价值信用评级（当前）", (("label", "评级"), ("enterprises", "企业数"),
                                               ("indicative_line_cny", "参考授信额度合计（元）"))),
    ("ip_value_by_industry", "知识产权可质押价值（按行业，当前）", (("industry", "代码"), ("enterprises", "企业数"),
                                                         ("assets", "知识产权数"),
                                                         ("pledgeable_ip_value_cny", "可质押价值（元）"))),
    ("loans_by_institution", "贷款余额与逾期（按机构，当前）", (("institution_id", "机构编号"),
                                                      ("institution_name", "机构"), *LOAN_FIGURES)),
    ("loans_by_kind", "贷款余额与逾期（按产品类型，当前）", (("kind", "代码"), ("label", "产品类型"), *LOAN_FIGURES)),
    ("equity_monthly", "股权融资（按月）", (("month", "月份"), ("deals_invested", "投资笔数"), ("raised_cny", "股权融资额（元）"))),
    ("equity_by_stage", "股权融资（按轮次）", (("round", "代码"), ("label", "轮次"), ("rounds", "融资需求数"),
                                          ("raised_cny", "股权融资额（元）"))),
    ("equity_by_industry", "股权融资（按行业）", (("industry", "代码"), ("label", "行业"), ("rounds", "融资需求数"),
                                             ("raised_cny", "股权融资额（元）"))),
    ("equity_pipeline", "投资进度（当前）", (("stage", "代码"), ("label", "阶段"), ("interests", "项目数"))),
    ("listing_by_stage", "上市后备（当前）", (("stage", "代码"), ("label", "阶段"), ("enterprises", "企业数"))),
)


# A spreadsheet runs a cell that begins with one of these as a formula (=HYPERLINK(…) in an institution's
# name would phone home from the bureau's Excel): such text gets a leading apostrophe (the contract).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def stats_csv(stats: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)  # the excel dialect: "\r\n" after every row
    period = stats.get("period") or {}
    writer.writerow(["高新金服 市场统计", _cell(N_("%(value)s 至 %(value2)s", value=period.get("from") or "开始",
                                                         value2=period.get("to") or "今"))])
    writer.writerow([])
    writer.writerow(["指标", "代码", "数值"])
    for key, label in HEADLINE:
        writer.writerow([label, key, _cell(stats[key])])
    for block, key, label in LOAN_HEADLINE:
        writer.writerow([label, f"{block}.{key}", _cell(stats[block][key])])
    for key, label in ROADSHOW_HEADLINE:
        writer.writerow([label, f"equity.roadshows.{key}", _cell(stats["equity"]["roadshows"][key])])
    for key, title, columns in SECTIONS:
        writer.writerow([])
        writer.writerow([title])
        writer.writerow([label for _, label in columns])
        for row in stats[key]:
            writer.writerow([_cell(row.get(name)) for name, _ in columns])
    return out.getvalue().encode("utf-8-sig")


def export(*, actor: User, period: stats.Period) -> tuple[bytes, str]:
    """The period's statistics as a CSV file and its name; every export is audited."""
    body = stats_csv(stats.market(period=period))
    audit.record("stats.export", actor_id=actor.id, detail=period.as_dict())
    return body, f"matchmaker-stats-{period.start or 'all'}-{period.end or 'now'}.csv"


def csv_response(body: bytes, name: str):
    from flask import Response

    response = Response(body, mimetype="text/csv")  # Werkzeug adds "; charset=utf-8" to text types
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response
