"""The market's code lists (domain.md and the API contract), with their Chinese labels.

Values are the API's codes; labels are the Simplified Chinese words people see (the web layer
translates them for English readers).
"""
from __future__ import annotations

import enum


class LabelledEnum(str, enum.Enum):
    label: str
    label_en: str

    def __new__(cls, value: str, label: str, label_en: str | None = None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.label_en = label_en or label
        return member

    def label_in(self, language: str) -> str:
        return self.label_en if language == "en" else self.label

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]

    @classmethod
    def choices(cls) -> list[tuple[str, LabelledEnum]]:
        """(value, member) pairs; the member renders its label in the reader's language."""
        return [(m.value, m) for m in cls]


class Role(LabelledEnum):
    ENTERPRISE = "enterprise", "企业", "Enterprise"
    INSTITUTION = "institution", "金融机构", "Financial institution"
    ADMIN = "admin", "管理员", "Administrator"


class Industry(LabelledEnum):
    NEXT_GEN_IT = "next_gen_it", "新一代信息技术", "Next-generation IT"
    LIFE_HEALTH = "life_health", "生命健康", "Life and health"
    GREEN_SMART_MANUFACTURING = "green_smart_manufacturing", "绿色低碳及智能制造", "Green, low-carbon and smart manufacturing"
    HIGH_TECH_SERVICES = "high_tech_services", "高技术服务", "High-tech services"
    OTHER = "other", "其他", "Other"


class Certification(LabelledEnum):
    HIGH_TECH_ENTERPRISE = "high_tech_enterprise", "高新技术企业", "High-tech enterprise"
    SPECIALIZED_INNOVATIVE = "specialized_innovative", "专精特新", "Specialised and innovative SME"
    TECH_SME = "tech_sme", "科技型中小企业", "Tech SME"


class CreditRating(LabelledEnum):
    """Best first; ``rank`` grows with quality so comparisons read naturally."""

    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    BBB = "BBB", "BBB"
    BB = "BB", "BB"
    B = "B", "B"
    C = "C", "C"

    @property
    def rank(self) -> int:
        return len(CreditRating) - list(CreditRating).index(self)


class CreditGrade(LabelledEnum):
    """The knowledge-value credit grade (知识价值信用评价), best first; which score earns which grade is
    configuration (KNOWLEDGE_VALUE_GRADES), the five letters are Chongqing's."""

    A = "A", "A 级", "Grade A"
    B = "B", "B 级", "Grade B"
    C = "C", "C 级", "Grade C"
    D = "D", "D 级", "Grade D"
    E = "E", "E 级", "Grade E"

    @property
    def rank(self) -> int:
        return len(CreditGrade) - list(CreditGrade).index(self)


class InstitutionKind(LabelledEnum):
    BANK = "bank", "银行", "Bank"
    GUARANTEE = "guarantee", "融资担保公司", "Guarantee company"
    LEASING = "leasing", "融资租赁公司", "Leasing company"
    INSURANCE = "insurance", "保险公司", "Insurer"
    FUND = "fund", "基金管理人", "Fund manager"
    MICROCREDIT = "microcredit", "小额贷款公司", "Microcredit company"


class ProductKind(LabelledEnum):
    CREDIT_LOAN = "credit_loan", "信用贷款", "Credit loan"
    GAOXIN_DAI = "gaoxin_dai", "高新贷", "Gaoxin loan"
    KNOWLEDGE_VALUE = "knowledge_value", "知识价值信用贷款", "Knowledge-value credit loan"
    IP_PLEDGE = "ip_pledge", "知识产权质押贷款", "IP-pledge loan"
    EQUITY_PLEDGE = "equity_pledge", "股权质押贷款", "Equity-pledge loan"
    EQUIPMENT_MORTGAGE = "equipment_mortgage", "科研设备抵押贷款", "Research-equipment mortgage"
    GREEN_LOAN = "green_loan", "绿色信贷", "Green loan"
    SUPPLY_CHAIN = "supply_chain", "供应链金融", "Supply-chain finance"
    RENEWAL_LOAN = "renewal_loan", "无本续贷", "Renewal without repayment"
    LEASING = "leasing", "融资租赁", "Finance lease"
    GUARANTEE = "guarantee", "融资担保", "Financing guarantee"
    TECH_INSURANCE = "tech_insurance", "科技保险", "Tech insurance"
    EQUITY_INVESTMENT = "equity_investment", "股权投资", "Equity investment"


class RepaymentMethod(LabelledEnum):
    """How a loan is paid back (the contract's codes for loans, issue 17, use the same words)."""

    EQUAL_INSTALLMENT = "equal_installment", "等额本息", "Equal instalments"
    INTEREST_ONLY = "interest_only", "先息后本", "Interest only, principal at maturity"
    BULLET = "bullet", "到期一次还本付息", "Principal and interest at maturity"


class DocumentKind(LabelledEnum):
    """What banks ask a firm for; 其他 for anything else."""

    BUSINESS_LICENSE = "business_license", "营业执照", "Business licence"
    FINANCIAL_STATEMENTS = "financial_statements", "近两年财务报表", "Financial statements (last two years)"
    TAX_CERTIFICATE = "tax_certificate", "纳税证明", "Tax certificate"
    AUDIT_REPORT = "audit_report", "审计报告", "Audit report"
    PATENT_CERTIFICATE = "patent_certificate", "专利证书", "Patent certificate"
    QUALIFICATION_CERTIFICATE = "qualification_certificate", "资质证书", "Qualification certificate"
    BANK_STATEMENT = "bank_statement", "银行流水", "Bank statement"
    OTHER = "other", "其他材料", "Other"


class IpKind(LabelledEnum):
    """What a firm registers in its IP register (技术评估), each with its statutory life."""

    INVENTION_PATENT = "invention_patent", "发明专利", "Invention patent"
    UTILITY_MODEL = "utility_model", "实用新型专利", "Utility model"
    DESIGN = "design", "外观设计专利", "Design patent"
    SOFTWARE_COPYRIGHT = "software_copyright", "软件著作权", "Software copyright"


class LoanStatus(LabelledEnum):
    CURRENT = "current", "正常还款", "Current"
    OVERDUE = "overdue", "逾期", "Overdue"
    REPAID = "repaid", "已结清", "Repaid"
    WRITTEN_OFF = "written_off", "已核销", "Written off"


class ClaimStatus(LabelledEnum):
    SUBMITTED = "submitted", "待审核", "Submitted"
    APPROVED = "approved", "已赔付", "Approved and paid"
    REJECTED = "rejected", "已驳回", "Rejected"


class RiskBand(LabelledEnum):
    """The five colours of a firm's risk score, worst first (finance-rules.md, "Early warning")."""
    RED = "red", "红色", "Red"
    ORANGE = "orange", "橙色", "Orange"
    YELLOW = "yellow", "黄色", "Yellow"
    BLUE = "blue", "蓝色", "Blue"
    GREEN = "green", "绿色", "Green"


class WarningStatus(LabelledEnum):
    OPEN = "open", "待处理", "Open"
    HANDLED = "handled", "已处理", "Handled"


class EquityStage(LabelledEnum):
    """Funding rounds, earliest first (finance-rules.md, "Equity financing")."""
    SEED = "seed", "种子轮", "Seed"
    ANGEL = "angel", "天使轮", "Angel"
    PRE_A = "pre_a", "Pre-A 轮", "Pre-A"
    A = "a", "A 轮", "Series A"
    B = "b", "B 轮", "Series B"
    C_PLUS = "c_plus", "C 轮及以后", "Series C and later"
    PRE_IPO = "pre_ipo", "Pre-IPO", "Pre-IPO"


class EquityNeedStatus(LabelledEnum):
    OPEN = "open", "融资中", "Open"
    WITHDRAWN = "withdrawn", "已撤回", "Withdrawn"
    CLOSED = "closed", "已完成", "Closed"


class InterestStage(LabelledEnum):
    """An investor's interest in a round, in the order a deal moves (the deal pipeline); passed ends it anywhere."""
    INTERESTED = "interested", "有意向", "Interested"
    MEETING = "meeting", "约见", "Meeting"
    DUE_DILIGENCE = "due_diligence", "尽职调查", "Due diligence"
    TERM_SHEET = "term_sheet", "投资意向书", "Term sheet"
    INVESTED = "invested", "已投资", "Invested"
    PASSED = "passed", "已放弃", "Passed"


class RoadshowStatus(LabelledEnum):
    OPEN = "open", "报名中", "Open"
    HELD = "held", "已举办", "Held"
    CANCELLED = "cancelled", "已取消", "Cancelled"


class PitchStatus(LabelledEnum):
    PENDING = "pending", "待审核", "Pending"
    ACCEPTED = "accepted", "已入选", "Accepted"
    DECLINED = "declined", "未入选", "Declined"


class PolicyKind(LabelledEnum):
    """What a policy is, as a label (the benefit decides what it pays)."""
    INTEREST_SUBSIDY = "interest_subsidy", "贷款贴息", "Interest subsidy"
    GUARANTEE_FEE_SUBSIDY = "guarantee_fee_subsidy", "担保费补贴", "Guarantee fee subsidy"
    PREMIUM_SUBSIDY = "premium_subsidy", "科技保险保费补贴", "Tech insurance premium subsidy"
    LISTING_REWARD = "listing_reward", "上市奖励", "Listing reward"
    OTHER = "other", "其他", "Other"


class EntitlementStatus(LabelledEnum):
    AVAILABLE = "available", "可申领", "Available"
    CLAIMED = "claimed", "待审核", "Claimed"
    APPROVED = "approved", "已批准", "Approved"
    PAID = "paid", "已拨付", "Paid"
    REJECTED = "rejected", "未通过", "Rejected"
    EXPIRED = "expired", "已过期", "Expired"


class ListingStage(LabelledEnum):
    """The zone's listing pipeline, in order (finance-rules.md, "Listing readiness")."""
    RESERVE = "reserve", "上市后备库", "Reserve pool"
    SHAREHOLDING_REFORM = "shareholding_reform", "完成股改", "Shareholding reform done"
    TUTORING_FILED = "tutoring_filed", "辅导备案", "Tutoring filed"
    APPLICATION_ACCEPTED = "application_accepted", "申报受理", "Application accepted"
    REGISTERED = "registered", "注册生效", "Registered"
    LISTED = "listed", "发行上市", "Listed"


class ReserveTier(LabelledEnum):
    DISTRICT = "district", "区级后备", "District reserve"
    CITY = "city", "市级后备", "City reserve"
    CITY_KEY = "city_key", "市级重点后备", "City key reserve"


class ProductStatus(LabelledEnum):
    ACTIVE = "active", "上架中", "Active"
    PAUSED = "paused", "已暂停", "Paused"
    RETIRED = "retired", "已下架", "Retired"


class NeedStatus(LabelledEnum):
    OPEN = "open", "进行中", "Open"
    WITHDRAWN = "withdrawn", "已撤回", "Withdrawn"
    CLOSED = "closed", "已完成", "Closed"


class ApplicationStatus(LabelledEnum):
    SUBMITTED = "submitted", "已提交", "Submitted"
    APPROVED = "approved", "已批准", "Approved"
    REJECTED = "rejected", "已拒绝", "Rejected"
    DISBURSED = "disbursed", "已放款", "Disbursed"
    WITHDRAWN = "withdrawn", "已撤回", "Withdrawn"


class TokenKind(LabelledEnum):
    WEB = "web", "网页会话", "Web session"
    API = "api", "API 令牌", "API token"


class RejectReason(LabelledEnum):
    """Structured reasons for a rejection, so the market's failures can be counted."""

    INSUFFICIENT_RATING = "insufficient_rating", "信用评级不足", "Credit rating too low"
    INSUFFICIENT_YEARS = "insufficient_years", "经营年限不足", "Too few years in business"
    INSUFFICIENT_COLLATERAL = "insufficient_collateral", "抵押或担保不足", "Insufficient collateral or guarantee"
    INCOMPLETE_DOCUMENTS = "incomplete_documents", "资料不全", "Incomplete documents"
    HIGH_LEVERAGE = "high_leverage", "负债率过高", "Leverage too high"
    INDUSTRY_MISMATCH = "industry_mismatch", "行业不符", "Industry not covered"
    QUOTA_FULL = "quota_full", "额度已满", "Quota exhausted"
    OTHER = "other", "其他", "Other"
