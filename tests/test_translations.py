"""Every text the pages can show has its English translation."""
import os
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
# The package's code is read by its own extractor (matchmaker.wording.extract): the marked messages and
# every Chinese literal, the sentences services and the engine write for the pages to say again.
METHODS = [("matchmaker/**.py", "matchmaker.wording:extract"), ("models/uscc.py", "matchmaker.wording:extract"), ("templates/**.html", "jinja2"),
           ("templates/mail/**.txt", "jinja2")]


def scanned(directory: str) -> bool:
    # Babel skips folders that begin with "_" unless told; templates/_macros holds page texts too.
    name = os.path.basename(directory)
    return not name.startswith(".") and name != "__pycache__"


def test_every_message_is_translated_to_english():
    found, files = set(), set()
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), METHODS, keywords={"_": None, "_l": None, "N_": None, "gettext": None, "lazy_gettext": None},
            directory_filter=scanned):
        found.add(message if isinstance(message, str) else message[0])
        files.add(filename)
    with open(ROOT / "matchmaker/translations/en/LC_MESSAGES/messages.po", "rb") as po:
        catalog = {m.id: m.string for m in read_po(po, locale="en") if m.id}
    assert len(found) > 150  # the extraction did find the pages' texts
    assert {"templates/_macros/forms.html", "templates/mail/digest.overdue.txt"} <= files
    untranslated = sorted(m for m in found if not catalog.get(m))
    assert untranslated == [], "run `make extract-messages` and translate these"
