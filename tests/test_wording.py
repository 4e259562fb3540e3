"""How the platform's Chinese sentences are said again in English (matchmaker/wording.py): whole, by the
most specific pattern, amounts in 万元 as money, labels inside sentences, lists joined with 、; typed text
and anything unknown left as it was; Chinese readers get every sentence as written."""
from __future__ import annotations

import io

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS

from matchmaker.wording import Catalogue, extract, finalize, say

MESSAGES = {
    "%(value)s": "swallows everything",  # no Chinese of its own: never used as a pattern (and skipping it
    # must not end the reading of the others)
    "放款 %(wan)s 万元": "Disbursed %(wan)s",
    "%(value)s 万元": "%(value)s × 10k yuan",  # less specific: never chosen for the line above
    "%(label)s不能为负数": "%(label)s cannot be negative",
    "最低金额": "The minimum amount",
    "缺少该产品要求的资质：%(missing)s": "Lacks the certifications the product requires: %(missing)s",
    "高新技术企业": "High-tech enterprise",
    "专精特新": "Specialized & innovative",
    "%(points)s 个百分点": "%(points)s percentage points",
    "申请金额正合该产品偏好的额度，%(points)s": "The amount suits the product, %(points)s",
    "年利率 %(rate)s%%": "annual rate %(rate)s%%",
    "利率 %(low)s%% 到 %(high)s%%": "rates %(low)s%% to %(high)s%%",
    "%(a)s和%(b)s": "%(a)s and %(b)s",
    "甲和%(b)s": "A with %(b)s",  # more of its own words than the line above: chosen first
    "质押率 %(ratio)s%%，按 %(ratio)s%% 放款": "Pledge ratio %(ratio)s%%",  # one value said twice
}


@pytest.fixture
def catalogue():
    return Catalogue(MESSAGES)


@pytest.mark.parametrize(("chinese", "english"), [
    ("最低金额", "The minimum amount"),
    ("放款 150 万元", "Disbursed CNY 1.5 million"),
    ("放款 1,200.5 万元", "Disbursed CNY 12.0 million"),
    ("放款 8 万元", "Disbursed CNY 80,000"),
    ("最低金额不能为负数", "The minimum amount cannot be negative"),
    ("科创贷不能为负数", "科创贷 cannot be negative"),  # a name nobody translated stays as typed
    ("缺少该产品要求的资质：高新技术企业、专精特新",
     "Lacks the certifications the product requires: High-tech enterprise, Specialized & innovative"),
    ("申请金额正合该产品偏好的额度，+5 个百分点", "The amount suits the product, +5 percentage points"),
    ("年利率 4.35%", "annual rate 4.35%"),
    ("放款 很多 万元", "放款 很多 × 10k yuan"),  # not a number: the money pattern does not fit
    ("一句没有译文的话", "一句没有译文的话"),
    ("放款 150 万元。", "放款 150 万元。"),  # patterns fit whole sentences only
    ("利率 3.5% 到 4.5%", "rates 3.5% to 4.5%"),
    ("甲和乙", "A with 乙"), ("丙和乙", "丙 and 乙"),
    ("最低\n金额不能为负数", "最低\n金额 cannot be negative"),  # a typed value may hold a line break
    ("放款 %(wan)s 万元", "放款 %(wan)s × 10k yuan"),  # typed text that looks like a pattern is text
    ("质押率 40%，按 40% 放款", "Pledge ratio 40%"),
    ("质押率 40%，按 50% 放款", "质押率 40%，按 50% 放款"),  # the same name must read the same value
])
def test_sentences_are_said_in_english(catalogue, chinese, english):
    assert catalogue.say(chinese) == english


def test_a_pattern_whose_translation_does_not_fit_is_passed_over():
    broken = Catalogue({"放款 %(wan)s 万元": "Disbursed %(amount)s", "%(value)s 万元": "%(value)s (10k yuan)"})
    assert broken.say("放款 150 万元") == "放款 150 (10k yuan)"


def test_pages_say_it_in_the_readers_language_and_leave_the_rest(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert say("融资需求已撤回") == "融资需求已撤回"
        assert finalize("融资需求已撤回") == "融资需求已撤回"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert say("融资需求已撤回") == "The financing need was withdrawn"
        assert finalize("融资需求已撤回") == "The financing need was withdrawn"
        assert say("Already English") == "Already English"
        from markupsafe import Markup

        assert finalize(Markup("融资需求已撤回")) == Markup("融资需求已撤回")  # markup is a template's own
        assert finalize(42) == 42 and finalize(None) is None


def test_the_catalogue_is_built_once_per_language_with_the_code_lists_labels(app):
    from flask_babel import get_translations

    with app.test_request_context(headers={"Accept-Language": "en"}):
        translations = get_translations()
        if hasattr(translations, "matchmaker_catalogue"):
            del translations.matchmaker_catalogue  # read afresh, as a new worker does
        assert say("信用评级不足") == "Credit rating too low"  # a code list's label (models/codes.py)
        built = translations.matchmaker_catalogue
        assert isinstance(built, Catalogue)
        from models import Certification

        named = f"{Certification.HIGH_TECH_ENTERPRISE.label_en}, {Certification.SPECIALIZED_INNOVATIVE.label_en}"
        assert say("缺少该产品要求的资质：高新技术企业、专精特新") == \
            f"Lacks the certifications the product requires: {named}"  # the code list's own words win
        assert say("批准 150 万元，年利率 4.2%") == "Approved CNY 1.5 million at 4.2% a year"
        assert translations.matchmaker_catalogue is built  # kept, not rebuilt per sentence


def test_the_extractor_finds_chinese_literals_but_not_docstrings_or_marked_ones():
    source = "\n".join([
        '_("文件开头已标记")',
        '"""模块说明"""',
        "def f():",
        '    r"""原始说明"""',
        '    x = _("已标记")',
        '    y = ("第一段"',
        '         "第二段")  # one sentence across lines',
        '    z = f"格式{y}" + rf"原始格式{y}" + F"大写格式{y}" + Rf"大写原始{y}" + Rb"bytes"',
        '    print("未标记调用", r"原始字符串")',
        '    return N_("放款 %(wan)s 万元", wan=1), "plain", "未标记"',
        "def g():",
        "    \'\'\'单引号说明\'\'\'",
        "def h():",
        '    R"""大写原始说明"""',
        "",
    ])
    found = [(line, function, message) for line, function, message, _c in
             extract(io.BytesIO(source.encode()), DEFAULT_KEYWORDS, [], {})]
    literals = [(line, message) for line, function, message in found if function == ""]
    assert literals == [(6, "第一段第二段"), (9, "未标记调用"), (9, "原始字符串"), (10, "未标记")]
    # Marked messages come once, from Babel's own reading, with their function's name.
    assert (1, "_", "文件开头已标记") in found and (5, "_", "已标记") in found
    assert (10, "N_", ("放款 %(wan)s 万元", None)) in found
    assert sum(1 for _line, _function, message in found if message == "已标记") == 1
