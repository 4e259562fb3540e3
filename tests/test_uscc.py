"""The unified social credit code checker (GB 32100-2015)."""
import pytest

from models import uscc

# Codes of real, public registrations (printed on business licences and in the national registry).
PUBLIC_CODES = [
    "91350100M000100Y43",
    "91110000802100433B",
    "9144030071526726XG",
]


@pytest.mark.parametrize("code", PUBLIC_CODES)
def test_public_codes_are_valid(code):
    assert uscc.problem(code) is None


def test_check_character_follows_the_standard():
    # Worked by hand: weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28 over 91350100M000100Y4
    values = [uscc.VALUE[ch] for ch in "91350100M000100Y4"]
    total = sum(v * w for v, w in zip(values, uscc.WEIGHTS))
    assert uscc.ALPHABET[(31 - total % 31) % 31] == "3"
    assert uscc.check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize("code", PUBLIC_CODES)
def test_every_single_character_typo_is_refused(code):
    for position in range(18):
        for replacement in uscc.ALPHABET:
            if replacement == code[position]:
                continue
            typo = code[:position] + replacement + code[position + 1:]
            assert uscc.problem(typo) is not None, typo


def test_messages_name_the_problem_in_chinese():
    assert "18 位" in uscc.problem("9135010")
    assert "不允许的字符" in uscc.problem("91350100M000100YI3")
    message = uscc.problem("91350100M000100Y44")
    assert "校验位" in message and "应为 3" in message


def test_normalize_strips_spaces_and_uppercases():
    assert uscc.normalize(" 91350100m000100y43 ") == "91350100M000100Y43"
