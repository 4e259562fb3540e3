"""The market's data model. This package owns ``db``; everything else imports it from here."""
from .base import Base, UTCDateTime, db, now_utc
from .codes import (
    ApplicationStatus,
    Certification,
    CreditRating,
    Industry,
    InstitutionKind,
    NeedStatus,
    ProductKind,
    ProductStatus,
    RejectReason,
    Role,
    TokenKind,
)
from .user import AuthToken, LoginFailure, User, hash_password, verify_dummy_password
from .enterprise import Enterprise
from .institution import Institution
from .product import MAX_RATE_PCT, Product
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

__all__ = [
    "Base", "UTCDateTime", "db", "now_utc",
    "ApplicationStatus", "Certification", "CreditRating", "Industry", "InstitutionKind",
    "NeedStatus", "ProductKind", "ProductStatus", "RejectReason", "Role", "TokenKind",
    "AuthToken", "LoginFailure", "User", "hash_password", "verify_dummy_password",
    "Enterprise", "Institution", "MAX_RATE_PCT", "Product", "FinancingNeed",
    "TRANSITIONS", "Application", "ApplicationEvent", "RankerModel", "AuditEvent", "Consent", "DemoMarket", "Notification",
    "IdempotentRequest", "LeadInvitation", "ACTIVE_JOB_STATUSES", "JOB_STATUSES", "Job",
    "OutgoingMail",
]
