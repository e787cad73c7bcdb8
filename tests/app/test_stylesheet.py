"""The one stylesheet parses: a block left open at a merge swallows every rule after it into a media query."""

import re
from pathlib import Path

SITE_CSS = Path(__file__).resolve().parents[2] / "campaign" / "static" / "css" / "site.css"


def _depths(css: str):
    """(line number, brace depth at the start of that line) for each line, comments ignored."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), css, flags=re.S)
    depth = 0
    for number, line in enumerate(text.split("\n"), 1):
        yield number, depth, line
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"site.css line {number}: a closing brace with no block open"


def test_every_block_in_site_css_is_closed():
    rows = list(_depths(SITE_CSS.read_text(encoding="utf-8")))
    _, last_depth, last_line = rows[-1]
    final = last_depth + last_line.count("{") - last_line.count("}")
    assert final == 0, "site.css ends with a block still open"


def test_each_branch_section_starts_at_the_top_level():
    """Each '/* == area (branch x) == */' section begins outside any block: its rules apply at all widths."""
    css = SITE_CSS.read_text(encoding="utf-8")
    heads = {m.start(): m.group(0) for m in re.finditer(r"/\* == .*? == \*/", css)}
    for offset, head in heads.items():
        before = re.sub(r"/\*.*?\*/", "", css[:offset], flags=re.S)
        assert before.count("{") == before.count("}"), f"{head} starts inside an open block"
