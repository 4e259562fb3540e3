"""Configuration per environment. Everything that differs between machines comes from the environment."""
from __future__ import annotations

import datetime as dt
import os


def database_url_from_env(default: str) -> str:
    url = os.environ.get("DATABASE_URL") or default
    # Operators write postgres:// or postgresql://; SQLAlchemy needs the psycopg 3 driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    ENV_NAME = "base"
    TESTING = False
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled in by create_app (needs the instance path)
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024  # uploads (the history import) included
    # JSON bodies of the API: the largest real one (a product with its eligibility) is a few KiB. Shapes
    # beyond these are refused before any schema looks at them (matchmaker/inputs.py).
    JSON_BODY_LIMIT = int(os.environ.get("JSON_BODY_LIMIT", 1024 * 1024))
    JSON_MAX_DEPTH = 16
    JSON_MAX_KEYS = 100
    JSON_MAX_ITEMS = 1000

    SESSION_COOKIE_HTTPONLY = True
    # X-Forwarded-* hops to trust (the load balancers in front); 0 when clients connect directly.
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    # The form token lives as long as the signed-in session, so a person who takes an hour to fill
    # in a long form does not lose it to an expired token.
    WTF_CSRF_TIME_LIMIT = None

    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh": "简体中文", "en": "English"}

    # OWASP ASVS 3.3: a browser session ends 12 hours after sign-in, or after 30 minutes unused.
    WEB_SESSION_TTL = dt.timedelta(hours=12)
    # Roles that must sign in with a second factor (TOTP); in development the demo logins need none.
    TWO_FACTOR_REQUIRED_ROLES: tuple[str, ...] = ()
    WEB_SESSION_IDLE = dt.timedelta(minutes=int(os.environ.get("WEB_SESSION_IDLE_MINUTES", "30")))
    API_TOKEN_TTL = dt.timedelta(hours=24)
    LOGIN_FAILURE_LIMIT = 10
    LOGIN_FAILURE_WINDOW = dt.timedelta(minutes=15)
    LOGIN_LOCKOUT = dt.timedelta(minutes=5)
    # Per client address (Flask-Limiter). The contract: a bank's integration server behind one
    # address must be able to make 120 registrations or 300 successful token requests a minute.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = "matchmaker"
    RATELIMIT_HEADERS_ENABLED = True
    # With Redis away, the per-account throttle in the database still holds; sign-in stays up.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    SIGN_IN_FAILURES_PER_ADDRESS = "50 per 15 minutes"
    SIGN_IN_REQUESTS_PER_ADDRESS = "900 per minute"
    REGISTRATIONS_PER_ADDRESS = "300 per minute"

    API_TITLE = "matchmaker API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS = {
        "info": {"description": "高新金服 matchmaker: SME financing-matching platform, JSON API v1."},
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}
        },
    }
    JSON_SORT_KEYS = False
    # A fixed penalty for the ranker instead of choosing one on the latest outcomes (the tests fit once,
    # faster); empty: chosen by training.fit.
    RANKER_PARAMS: dict = {}
    # The lowest approval probability of the bands 很可能, 较可能 and 有一定机会 (below: 可能性低), the
    # words a firm reads beside a match. The scores are calibrated (the ranker page's reliability
    # table), so 0.75 means about three approvals in four applications like this one.
    MATCH_BAND_FLOORS: tuple = (0.75, 0.5, 0.25)
    # The version of the service agreement and privacy policy (templates/public/privacy.html) that a firm
    # agrees to by registering; the consent record keeps it. Change both together.
    PRIVACY_POLICY_VERSION = "2026-12-06"
    # The knowledge-value credit evaluation (知识价值信用评价; ../shared/reference/finance-rules.md). Chongqing
    # did not publish its weights or cut-offs, so this points table is the platform's own, shown to every
    # firm on its 信用评价 page: indicator → (the fact it reads, (threshold, points) steps; the highest step
    # reached counts). Base indicators: IP and R&D investment; bonus: R&D staff, tech talent, innovative
    # products, certifications and awards ("status": points per certification held and per award, capped).
    KNOWLEDGE_VALUE_INDICATORS: dict = {
        "ip": ("ip_count", ((1, 8), (3, 15), (5, 20), (10, 25), (20, 30))),
        "rd_investment": ("rd_ratio_pct", ((3, 8), (5, 13), (8, 18), (12, 22), (15, 25))),
        "rd_staff": ("rd_staff_pct", ((10, 5), (20, 10), (30, 15))),
        "talent": ("tech_talent", ((1, 3), (5, 6), (10, 10))),
        "products": ("innovative_products", ((1, 4), (3, 7), (5, 10))),
    }
    KNOWLEDGE_VALUE_STATUS_POINTS: dict = {"high_tech_enterprise": 5, "specialized_innovative": 4, "tech_sme": 3,
                                           "award": 2}
    KNOWLEDGE_VALUE_STATUS_MAX = 10
    # Grade: the lowest score it takes, and the indicative pure-credit line in yuan (finance-rules.md:
    # A 500, B 400, C 300, D 160, E 80 万元). Below E's score, or without a tech certification and with
    # R&D below KNOWLEDGE_VALUE_MIN_RD_PCT, a firm has no grade yet.
    KNOWLEDGE_VALUE_GRADES: tuple = (("A", 80, 5_000_000), ("B", 65, 4_000_000), ("C", 50, 3_000_000),
                                     ("D", 35, 1_600_000), ("E", 20, 800_000))
    KNOWLEDGE_VALUE_MIN_RD_PCT = 3.0
    # Technology valuation (技术评估): an indicative pledge value per registered IP asset. No public
    # valuation table exists for Chongqing, so the method is the platform's own and documented here: a
    # base value per kind (yuan), times the industry's factor, times the share of statutory life left
    # raised to IP_VALUE_DECAY (0.5: value falls slowly at first, fast near expiry), given as a range
    # of ±IP_VALUE_SPREAD around it. An asset already pledged or exclusively licensed can be pledged at 0.
    IP_BASE_VALUE_CNY: dict = {"invention_patent": 500_000, "utility_model": 100_000, "design": 50_000,
                               "software_copyright": 80_000}
    IP_INDUSTRY_FACTOR: dict = {"next_gen_it": 1.2, "life_health": 1.3, "green_smart_manufacturing": 1.1,
                                "high_tech_services": 1.0, "other": 0.8}
    IP_STATUTORY_YEARS: dict = {"invention_patent": 20, "utility_model": 10, "design": 15,
                                "software_copyright": 50}
    IP_VALUE_DECAY = 0.5
    IP_VALUE_SPREAD = 0.3
    IP_ASSETS_PER_ENTERPRISE = 500
    # Loans after disbursement (finance-rules.md). The five-category class (五级分类) by days past due, the
    # floors of the banks' 2023 rule: any overdue at least 关注 (special mention), > 90 days 次级
    # (substandard), > 270 可疑 (doubtful), > 360 损失 (loss); checked from the top.
    LOAN_CLASS_DAYS: tuple = ((360, "loss"), (270, "doubtful"), (90, "substandard"), (0, "special_mention"))
    # Which loans the risk-compensation fund covers, fixed on each loan at disbursement: knowledge-value
    # loans by default (Chongqing's fund backs 知识价值信用贷款).
    RISK_FUND_KINDS: tuple = ("knowledge_value",)
    # What the fund pays: this share of a claim's loss, split city : district (finance-rules.md: 80 %, 4 : 6).
    RISK_FUND_COVER_PCT = 80
    RISK_FUND_CITY_SHARE = 4
    RISK_FUND_DISTRICT_SHARE = 6
    # The fuse (熔断) on an institution's approved losses ÷ covered principal, in percent: a warning from the
    # first, no cover for its new loans from the second (Chongqing's trigger was not found; Hubei 2025: 5 / 8).
    RISK_FUND_WARNING_PCT = 5.0
    RISK_FUND_FUSE_PCT = 8.0
    # A firm is reminded this many days before an instalment falls due (once per loan and date).
    LOAN_REMINDER_DAYS = 3
    # Risk early warning (风险预警): a firm's score, 0–100, is the sum of what the platform sees, each part
    # capped (no public weights were found: these are ours, shown to officers with every warning).
    # overdue: any loan overdue on the platform (not only the officer's), more once past 90 days, and a loan
    # written off in the last three years; grade: per step the firm's knowledge-value grade fell since a live
    # loan was disbursed; leverage: liabilities ÷ assets at or above each threshold (%); needs: per open need
    # older than the days given with no approval, from the second one (one need waiting is normal).
    RISK_SCORE = {
        "overdue": 40, "overdue_90_days": 20, "written_off": 20, "overdue_max": 60,
        "grade_step": 10, "grade_max": 20,
        "leverage": ((85, 20), (70, 10)),
        "unserved_days": 30, "unserved_need": 10, "unserved_max": 20,
    }
    # Five colours from the score (finance-rules.md, "Early warning": red 80–100, orange 60–80, yellow 40–60,
    # blue 20–40, green below), checked from the top; from RISK_WARNING_BAND up a firm with a live loan
    # becomes a task for each lending institution's officers.
    RISK_BANDS: tuple = ((80, "red"), (60, "orange"), (40, "yellow"), (20, "blue"), (0, "green"))
    RISK_WARNING_BAND = "yellow"
    # The listing standards of the three boards (上市辅导), as finance-rules.md lists them: dated and sourced,
    # since the exchanges change them. Per board, conditions every standard shares, then each standard's own:
    # (metric, "ge" | "gt", threshold); amounts in yuan, shares in %, "gt 0" reads "positive". The metrics are
    # computed from the firm's facts by matchmaker/listing/standards.py.
    LISTING_STANDARDS = {
        "as_of": "2024-04-30",
        "source": "上海证券交易所科创板股票上市规则 2.1.2；深圳证券交易所创业板股票上市规则 2.1.2；"
                  "北京证券交易所股票上市规则 2.1.3",
        "boards": {
            "star": {"common": (("share_capital", "ge", 30_000_000),), "standards": {
                "1a": (("market_value", "ge", 1_000_000_000), ("net_profit_min_2y", "gt", 0),
                       ("net_profit_2y", "ge", 50_000_000)),
                "1b": (("market_value", "ge", 1_000_000_000), ("net_profit", "gt", 0), ("revenue", "ge", 100_000_000)),
                "2": (("market_value", "ge", 1_500_000_000), ("revenue", "ge", 200_000_000), ("rd_3y_pct", "ge", 15)),
                "3": (("market_value", "ge", 2_000_000_000), ("revenue", "ge", 300_000_000), ("ocf_3y", "ge", 100_000_000)),
                "4": (("market_value", "ge", 3_000_000_000), ("revenue", "ge", 300_000_000)),
                "5": (("market_value", "ge", 4_000_000_000), ("national_main_product", "ge", 1)),
            }},
            "chinext": {"common": (), "standards": {
                "1": (("net_profit_min_2y", "gt", 0), ("net_profit_2y", "ge", 100_000_000), ("net_profit", "ge", 60_000_000)),
                "2": (("market_value", "ge", 1_500_000_000), ("net_profit", "gt", 0), ("revenue", "ge", 400_000_000)),
                "3": (("market_value", "ge", 5_000_000_000), ("revenue", "ge", 300_000_000)),
            }},
            "bse": {"common": (("neeq_months", "ge", 12), ("net_assets", "ge", 50_000_000)), "standards": {
                "1a": (("market_value", "ge", 200_000_000), ("net_profit_min_2y", "ge", 15_000_000), ("roe_avg_2y", "ge", 8)),
                "1b": (("market_value", "ge", 200_000_000), ("net_profit", "ge", 25_000_000), ("roe", "ge", 8)),
                "2": (("market_value", "ge", 400_000_000), ("revenue_avg_2y", "ge", 100_000_000),
                      ("revenue_growth_pct", "ge", 30), ("ocf", "gt", 0)),
                "3": (("market_value", "ge", 800_000_000), ("revenue", "ge", 200_000_000), ("rd_2y_pct", "ge", 8)),
                "4": (("market_value", "ge", 1_500_000_000), ("rd_2y", "ge", 50_000_000)),
            }},
        },
    }
    # The plan's target of listed firms (finance-rules.md, "Equity financing": 10 by 2025).
    LISTING_TARGET_LISTED = 10
    # Equity matching (股权融资): the rules read a fund's profile, each part worth at most its points here (they
    # sum to 100); a stage next to one the fund names, an industry when the fund names none, a ticket within
    # EQUITY_TICKET_STRETCH of its range count in part. Once enough interests have moved (EQUITY_FIT_MIN_*),
    # what progressed to due diligence is learned with each `flask ranker train` and weighs EQUITY_LEARNED_WEIGHT
    # of the score. A deal no stage has moved for EQUITY_STALE_DAYS is stale: its fund's officers are reminded.
    EQUITY_POINTS = {"stage": 35, "stage_adjacent": 15, "industry": 25, "industry_any": 15, "ticket": 25,
                     "ticket_near": 10, "fund_size": 15}
    EQUITY_TICKET_STRETCH = 2.0
    EQUITY_FUND_SHARE_MAX_PCT = 10.0  # a round above this share of the fund's size is a large bet for it
    EQUITY_LEARNED_WEIGHT = 0.4
    EQUITY_FIT_MIN_INTERESTS = 200
    EQUITY_FIT_MIN_PROGRESSED = 20
    EQUITY_FIT_SETTLED_DAYS = 120  # an open interest younger than this has not had its chance yet: not learned from
    EQUITY_STALE_DAYS = 21
    # The 1-year loan prime rate (贷款市场报价利率, published monthly by the National Interbank Funding Center) as
    # dated figures: each holds from its day until the next; interest subsidies read the one in force.
    LPR_1Y_PCT = (("2023-08-21", 3.45), ("2024-07-22", 3.35), ("2024-10-21", 3.10), ("2025-05-20", 3.00))
    # Seed: the plan's investor scale (50 institutions) with `flask seed --equity`.
    EQUITY_TARGET_INVESTORS = 50
    # The default-risk model (trained with the ranker) learns from loans disbursed at least this many months
    # ago, and only when there are enough of them and enough that went bad to learn anything.
    DEFAULT_RISK_MIN_MONTHS = 6
    DEFAULT_RISK_MIN_LOANS = 200
    DEFAULT_RISK_MIN_DEFAULTS = 10
    # Firms' documents (营业执照 …) are kept outside the web root. "local": files under DOCUMENT_DIR (by
    # default the instance folder's documents/); "s3": an S3-compatible object store (AWS S3, MinIO, OSS,
    # COS …) named by the DOCUMENT_S3_* settings, its credentials from boto3's environment
    # (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
    DOCUMENT_STORE = os.environ.get("DOCUMENT_STORE", "local")
    DOCUMENT_DIR = os.environ.get("DOCUMENT_DIR", "")
    DOCUMENT_S3_BUCKET = os.environ.get("DOCUMENT_S3_BUCKET", "")
    DOCUMENT_S3_ENDPOINT_URL = os.environ.get("DOCUMENT_S3_ENDPOINT_URL") or None
    DOCUMENT_S3_REGION = os.environ.get("DOCUMENT_S3_REGION") or None
    DOCUMENT_S3_PREFIX = os.environ.get("DOCUMENT_S3_PREFIX", "documents/")
    # Each file at most 10 MB (decimal, as people count it); a firm keeps at most this many.
    DOCUMENT_MAX_BYTES = 10_000_000
    DOCUMENTS_PER_ENTERPRISE = 50
    # An officer reading a file, deciding and coming back to it is one look at the firm's profile: a
    # further view by the same officer within this many minutes is not recorded again.
    PROFILE_VIEW_WINDOW_MINUTES = 30
    # How long the institutions' median hours to a decision, shown on every match, may be stale.
    RESPONSE_HOURS_KEPT_SECONDS = 300
    # With no model active, how long a worker serves the products' track record before it looks whether a
    # decision was added (one aggregate over the decided applications).
    COLD_START_KEPT_SECONDS = 5

    # Long work runs on Celery workers (matchmaker/jobs). Production: Redis, redis://host:6379/1; empty:
    # a queue of files in the instance folder, which needs no server (one host only).
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
    CELERY_QUEUE = os.environ.get("CELERY_QUEUE", "matchmaker")
    # Redis gives a message whose worker died to another worker after this many seconds.
    CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 3600))
    CELERY_OVERRIDES: dict = {}
    # A worker renews its job's lease four times a lease; a job whose lease lapsed (its worker died) is
    # taken over by another, which the sweep (every JOB_SWEEP_SECONDS, celery beat) sends it.
    JOB_LEASE_SECONDS = int(os.environ.get("JOB_LEASE_SECONDS", 60))
    JOB_SWEEP_SECONDS = int(os.environ.get("JOB_SWEEP_SECONDS", 30))
    # The history import page hands a file larger than this to the workers (a job with a progress bar);
    # smaller ones are imported within the request. About 3,000 rows of a bank's export.
    HISTORY_IMPORT_INLINE_BYTES = int(os.environ.get("HISTORY_IMPORT_INLINE_BYTES", 512 * 1024))

    # E-mail notifications (matchmaker/mail.py), sent by the task workers. No MAIL_SERVER: they stay in
    # the outbox (the outgoing_mail table) unsent.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"  # STARTTLS
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0") == "1"  # SMTPS, usually port 465
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "高新金服 <noreply@gaoxin-jinfu.example>")
    MAIL_TIMEOUT_SECONDS = 20
    # Links in e-mails point here.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:8000")
    # The officers' daily digest of overdue applications, at this hour (BABEL_DEFAULT_TIMEZONE).
    MAIL_DIGEST_HOUR = int(os.environ.get("MAIL_DIGEST_HOUR", 8))


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"
    # The tests run a worker in a thread of their own process (tests/conftest.py, celery_worker) or,
    # to kill one, in processes of its own on Redis (CELERY_BROKER_URL).
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
    JOB_LEASE_SECONDS = int(os.environ.get("JOB_LEASE_SECONDS", 4))
    COLD_START_KEPT_SECONDS = 0  # a decision shows in the next request's cold start
    JOB_SWEEP_SECONDS = int(os.environ.get("JOB_SWEEP_SECONDS", 1))


class ProductionConfig(Config):
    ENV_NAME = "production"
    TWO_FACTOR_REQUIRED_ROLES = ("institution", "admin")
    # Production is served over HTTPS (behind the load balancer, PROXY_FIX_HOPS tells it so).
    SESSION_COOKIE_SECURE = os.environ.get("MATCHMAKER_HTTPS", "1") != "0"


CONFIGS = {c.ENV_NAME: c for c in (DevelopmentConfig, TestingConfig, ProductionConfig)}
