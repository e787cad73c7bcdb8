"""Every user-facing string is extracted, and the Japanese catalog translates all of it."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "campaign" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def test_the_template_is_up_to_date_with_the_code(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "_p:1c,2",
            "-k",
            "lazy_pgettext:1c,2",
            "-o",
            str(fresh),
            "--no-location",
            "--sort-output",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(fresh) if m.id}
    committed = {
        m.id if isinstance(m.id, str) else m.id[0] for m in catalog(TRANSLATIONS / "messages.pot") if m.id
    }
    assert extracted == committed, "run: pybabel extract (see README) and translate the new strings"


def test_japanese_translates_every_message_with_the_same_placeholders():
    template = catalog(TRANSLATIONS / "messages.pot")
    japanese = catalog(TRANSLATIONS / "ja" / "LC_MESSAGES" / "messages.po")
    problems = []
    for message in template:
        if not message.id:
            continue
        translated = japanese.get(message.id, context=message.context)  # pgettext's entries by context
        strings = (
            (translated.string if isinstance(translated.string, tuple) else (translated.string,))
            if translated
            else ()
        )
        if not translated or translated.fuzzy or not all(strings):
            problems.append(f"untranslated: {message.id!r}")
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(source)):
                problems.append(f"placeholders differ: {source!r} -> {text!r}")
    assert problems == []


def test_japanese_labels_end_with_a_full_width_colon():
    """「抽選: 夏の…」 reads as machine output; a native writes 「抽選：夏の…」. The colon belongs to the
    message (so the translator writes it), never to the template after a translated word."""
    japanese = catalog(TRANSLATIONS / "ja" / "LC_MESSAGES" / "messages.po")
    half_width = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]: ")
    assert [m.id for m in japanese if isinstance(m.string, str) and half_width.search(m.string)] == []
    glued = re.compile(r"""\{\{ _\(["'][^"']*["']\) \}\}: """)
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if glued.search(path.read_text())
    ]
    assert offenders == []
