"""The platform's own sentences, written once in Chinese and said in the reader's language on the page.

Services write what a rule refused, applications keep their timeline notes, firms their notifications,
and the ranker its reasons, in Chinese: the API returns them as written (the contract's reasons are
Chinese sentences) and stored rows stay one language. A page read in English says them again at the
boundary: every value a template prints passes through ``finalize``, which looks the sentence up in the
reader's catalogue, whole or as a pattern (``批准 %(wan)s 万元，年利率 %(rate)s%%``).

A sentence with values is written ``N_("…%(name)s…", name=…)`` so ``make extract-messages`` finds it; plain
Chinese literals in the code are found by ``extract`` below, so the translation test holds every one of
them translated. In a pattern, a value named ``wan…`` is an amount in 万元 and is said as money ("CNY 1.5
million", the literal ``万元`` after it dropped); any other value is itself looked up (a field's label in a
sentence, a list joined with 、), and what no catalogue knows (a product's name) stays as typed.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize
from functools import lru_cache

from babel.messages.extract import extract_python
from flask import Flask
from flask_babel import get_locale, get_translations

from models import codes

from .filters import english_money
from .ranking.codes import N_

__all__ = ["N_", "extract", "finalize", "init_app", "say"]

HAN = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


class Catalogue:
    """One language's sentences, looked up whole first, then by the most specific pattern that fits."""

    def __init__(self, messages: dict[str, str]):
        self.whole = {k: v for k, v in messages.items() if "%(" not in k}
        patterns = []
        for msgid, msgstr in messages.items():
            if "%(" not in msgid:
                continue
            literal = PLACEHOLDER.sub("", msgid)
            if not HAN.search(literal):
                continue  # "%(value)s" alone would swallow anything
            parts, position, named = [], 0, set()
            for match in PLACEHOLDER.finditer(msgid):
                parts.append(re.escape(msgid[position:match.start()].replace("%%", "%")))
                name = match.group(1)
                if name in named:  # the same value said twice: it must read the same both times
                    parts.append(f"(?P={name})")
                else:
                    parts.append(f"(?P<{name}>[-+\\d.,]+)" if name.startswith("wan") else f"(?P<{name}>.+?)")
                named.add(name)
                position = match.end()
            parts.append(re.escape(msgid[position:].replace("%%", "%")))
            patterns.append((len(literal), re.compile("".join(parts), re.S), msgstr))
        self.patterns = [(pattern, msgstr) for _, pattern, msgstr in sorted(patterns, key=lambda p: -p[0])]
        self.say = lru_cache(maxsize=8192)(self._say)

    def _say(self, text: str) -> str:
        if text in self.whole:
            return self.whole[text]
        for pattern, msgstr in self.patterns:
            match = pattern.fullmatch(text)
            if match is None:
                continue
            try:
                return msgstr % {name: self._value(name, value) for name, value in match.groupdict().items()}
            except (KeyError, ValueError, TypeError):
                continue
        if "、" in text:  # a list of labels
            return ", ".join(self.say(part) for part in text.split("、"))
        return text

    def _value(self, name: str, value: str) -> str:
        if name.startswith("wan"):
            return english_money(round(float(value.replace(",", "")) * 10_000))
        return self.say(value)


def _messages(translations) -> dict[str, str]:
    messages = {k: v for k, v in getattr(translations, "_catalog", {}).items() if isinstance(k, str) and k and v}
    language = str(get_locale())
    for enum in vars(codes).values():  # the code lists' labels, wherever a sentence names one
        if isinstance(enum, type) and issubclass(enum, codes.LabelledEnum) and enum is not codes.LabelledEnum:
            messages.update({m.label: m.label_in(language) for m in enum if m.label != m.label_in(language)})
    return messages


def say(text: str) -> str:
    """The sentence in the reader's language (Chinese readers get it as written)."""
    if not HAN.search(text):
        return text
    locale = get_locale()
    if locale is None or locale.language == "zh":
        return text
    translations = get_translations()  # Flask-Babel keeps one per language: the catalogue rides on it
    catalogue = getattr(translations, "matchmaker_catalogue", None)
    if catalogue is None:
        catalogue = translations.matchmaker_catalogue = Catalogue(_messages(translations))
    return catalogue.say(text)


def finalize(value):
    """Jinja's last step for every ``{{ … }}``: plain strings are said in the reader's language; markup
    (macros, ``tojson``) and lazy translations are already what they should be."""
    if type(value) is str and HAN.search(value):
        return say(value)
    return value


def init_app(app: Flask) -> None:
    app.jinja_env.finalize = finalize
    app.add_template_filter(say)


def extract(fileobj, keywords, comment_tags, options):
    """Babel's extractor for the package: the marked messages, and every Chinese string literal that
    is not a docstring (the sentences services and the engine write in Chinese)."""
    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source.decode("utf-8")).readline)
              if t.type not in (tokenize.NL, tokenize.COMMENT)]  # "a" "b" across lines is one string
    run: list[str] = []
    for index, token in enumerate(tokens + [None]):
        if token is not None and token.type == tokenize.STRING \
                and not token.string.lstrip("rRbBuU").startswith(("f", "F")):
            run.append(token)
            continue
        if run:
            pieces = [ast.literal_eval(piece.string) for piece in run]
            text = "".join(pieces) if all(isinstance(piece, str) for piece in pieces) else ""
            first = index - len(run)
            docstring = run[0].string.lstrip("rRuU").startswith(('"""', "'''"))
            marked = first >= 2 and tokens[first - 1].string == "(" and tokens[first - 2].string in keywords
            if HAN.search(text) and not docstring and not marked:
                yield run[0].start[0], "", text, []
            run = []
