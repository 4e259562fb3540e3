"""The pages fuzzed like the API: every page each role reaches, with hostile query strings, and every
form those pages carry, submitted with hostile values in each field (the real form, with its CSRF token).
Nothing may answer 5xx. Found this way (issue 12): money typed as ``1e999999``, 20-digit ids and offsets,
unknown codes in filters, dates in year 1 and 9999.
"""
import random
import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from tests.test_access import world  # noqa: F401  (the fixture)
from tests.test_admin_ops import sign_in

HOSTILE = [
    "", " ", "1e999999", "-1", "99999999999999999999", "NaN", "inf", "-0", "0x1F", "１２３", "1,000,000,000,000,000",
    "0001-01-01", "9999-12-31", "2026-02-30", "<script>alert(1)</script>", "' OR 1=1 --", "\u202e\u200b名称",
    "x" * 6000, "😀" * 50, "a\tb\r\nc", "%00", "../../etc/passwd", "[]", "{}", "true",
]
# Every query parameter any page reads, plus one no page knows.
PARAMETERS = ("offset", "limit", "kind", "rate", "all", "product", "from", "to", "sort", "dir", "status", "order",
              "q", "role", "actor", "action", "next", "page", "amount", "term", "industry", "collateral",
              "institution", "download", "unknown")
RANDOM_EXAMPLES = 8


class Forms(HTMLParser):
    """The forms of a page: action, method and the names of their fields (with a sample value)."""

    def __init__(self):
        super().__init__()
        self.forms, self._form = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").lower(),
                          "fields": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea") and attrs.get("name"):
            if attrs.get("type") in ("submit", "button", "file"):
                return
            self._form["fields"].setdefault(attrs["name"], attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def forms_of(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def page_paths(app, world, actor) -> list[str]:  # noqa: F811
    ids = {"need_id": world["needs"]["A"], "application_id": world["applications"]["A"],
           "product_id": world["products"]["X"], "institution_id": world["people"]["X"].institution_id,
           "user_id": world["people"]["A"].id, "code": "en", "job_id": world["job"],
           "document_id": world["documents"]["A"], "asset_id": world["assets"]["A"], "loan_id": world["loans"]["A"],
           "warning_id": world["warnings"]["A"], "equity_need_id": world["rounds"]["A"],
           "interest_id": 999_999, "roadshow_id": world["roadshow"], "pitch_id": 999_999}
    if actor == "X":
        ids["application_id"] = world["applications"]["A"]
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/", "/static")) or "GET" not in rule.methods:
            continue
        if any(arg not in ids for arg in rule.arguments):
            continue
        paths.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule.rule))
    return sorted(set(paths))


def random_values(seed: int) -> list[str]:
    generator = random.Random(seed)
    alphabet = "0123456789.-eE,万元 \u3000零壹abc<>&\"'%\\/\u0301\u200d"
    return ["".join(generator.choice(alphabet) for _ in range(generator.randint(1, 30))) for _ in range(RANDOM_EXAMPLES)]


def test_no_page_or_form_answers_5xx_whatever_is_typed(app, world):  # noqa: F811
    counts = {"pages": 0, "query strings": 0, "forms": 0, "form submissions": 0}
    failures = []
    for actor in ("anon", "A", "X", "admin"):
        client = app.test_client()
        if actor != "anon":
            sign_in(client, world["people"][actor])
        seen_forms = set()
        for path in page_paths(app, world, actor):
            if path in ("/auth/logout",):
                continue
            page = client.get(path)
            counts["pages"] += 1
            if page.status_code >= 500:
                failures.append((actor, "GET", path, page.status_code))
            for value in HOSTILE + random_values(hash(path) % 1000):
                query = urlencode({name: value for name in PARAMETERS})
                response = client.get(f"{path}?{query}")
                counts["query strings"] += 1
                if response.status_code >= 500:
                    failures.append((actor, "GET", path, value[:40], response.status_code))
            if page.status_code != 200 or page.mimetype != "text/html":
                continue
            for form in forms_of(page.get_data(as_text=True)):
                action = urlsplit(form["action"]).path or path
                key = (action, form["method"], tuple(sorted(form["fields"])))
                if form["method"] != "post" or "logout" in action or key in seen_forms:
                    continue
                seen_forms.add(key)
                counts["forms"] += 1
                for value in HOSTILE + random_values(len(seen_forms)):
                    data = {name: (sample if name == "csrf_token" else value) for name, sample in form["fields"].items()}
                    response = client.post(action, data=data)
                    counts["form submissions"] += 1
                    if response.status_code >= 500:
                        failures.append((actor, "POST", action, value[:40], response.status_code))
                    if actor != "anon" and response.status_code == 302 \
                            and "/auth/login" in response.headers.get("Location", ""):
                        sign_in(client, world["people"][actor])  # a form that ended the session
    print("page fuzzing:", counts)
    assert not failures, failures[:20]
    assert counts["forms"] >= 15 and counts["pages"] >= 30, counts
