"""The market's data model. This package owns ``db``; everything else imports it from here."""
from .base import Base, UTCDateTime, db, now_utc
from .codes import (
    ApplicationStatus,
    Certification,
    ClaimStatus,
    CreditGrade,
    CreditRating,
    DocumentKind,
    EntitlementStatus,
    EquityNeedStatus,
    EquityStage,
    Industry,
    InstitutionKind,
    InterestStage,
    IpKind,
    ListingStage,
    LoanStatus,
    NeedStatus,
    PitchStatus,
    PolicyKind,
    ProductKind,
    ProductStatus,
    RejectReason,
    RepaymentMethod,
    ReserveTier,
    RiskBand,
    RoadshowStatus,
    Role,
    TokenKind,
    WarningStatus,
)
from .user import AuthToken, LoginFailure, User, hash_password, verify_dummy_password
from .enterprise import Enterprise
from .institution import Institution
from .limits import MAX_EMPLOYEES, MAX_IP_COUNT, MAX_MONEY_CNY, MAX_RATE_PCT, MAX_TERM_MONTHS
from .product import Product
from .need import FinancingNeed
from .application import TRANSITIONS, Application, ApplicationEvent
from .ranker import RankerModel
from .audit import AuditEvent
from .consent import Consent
from .demo import DemoMarket
from .notification import Notification
from .idempotency import IdempotentRequest
from .invitation import LeadInvitation
from .job import ACTIVE_JOB_STATUSES, JOB_STATUSES, Job
from .mail import OutgoingMail
from .document import Document, SharedDocument
from .ip_asset import IpAsset
from .loan import Loan, LoanRepayment
from .risk_fund import ClaimRecovery, CompensationClaim, RiskFund, RiskFundContribution
from .risk_warning import RiskWarning
from .listing import ListingFacts, ListingStageChange
from .investor import EquityInterest, EquityNeed, InterestStep, InvestorProfile, PlanShare
from .roadshow import Roadshow, RoadshowPitch, RoadshowSeat
from .policy import Entitlement, Policy

__all__ = [
    "Base", "UTCDateTime", "db", "now_utc",
    "ApplicationStatus", "Certification", "ClaimStatus", "CreditGrade", "CreditRating", "DocumentKind", "EntitlementStatus", "EquityNeedStatus", "EquityStage", "Industry", "InstitutionKind", "InterestStage", "IpKind", "ListingStage", "LoanStatus",
    "NeedStatus", "PitchStatus", "PolicyKind", "ProductKind", "ProductStatus", "RejectReason", "RepaymentMethod", "ReserveTier", "RiskBand", "RoadshowStatus", "Role", "TokenKind", "WarningStatus",
    "AuthToken", "LoginFailure", "User", "hash_password", "verify_dummy_password",
    "Enterprise", "Institution", "MAX_EMPLOYEES", "MAX_IP_COUNT", "MAX_MONEY_CNY", "MAX_RATE_PCT",
    "MAX_TERM_MONTHS", "Product", "FinancingNeed",
    "TRANSITIONS", "Application", "ApplicationEvent", "RankerModel", "AuditEvent", "Consent", "DemoMarket", "Notification",
    "IdempotentRequest", "LeadInvitation", "ACTIVE_JOB_STATUSES", "JOB_STATUSES", "Job",
    "OutgoingMail", "Document", "SharedDocument", "IpAsset", "Loan", "LoanRepayment", "ClaimRecovery", "CompensationClaim", "RiskFund", "RiskFundContribution", "RiskWarning", "ListingFacts", "ListingStageChange", "EquityInterest", "EquityNeed", "InterestStep", "InvestorProfile", "PlanShare", "Roadshow", "RoadshowPitch", "RoadshowSeat", "Entitlement", "Policy",
]
