"""Screenshots of a page at phone and desktop widths, in Japanese and English, for a person to look at."""

from pathlib import Path

SHOTS = Path("/tmp/shots")


def shoot(page, url: str, name: str, *, owner: str = "atomic") -> None:
    """Saves /tmp/shots/<owner>/<name>-<lang>-<width>.png for ja and en at 390 and 1366 px, and fails when
    the page is wider than the window (a phone would scroll sideways: the English entry page was 421 px
    wide at 390, a rights list 490, seen only by opening the pictures)."""
    folder = SHOTS / owner
    folder.mkdir(parents=True, exist_ok=True)
    for lang in ("ja", "en"):
        page.goto(f"{url}{'&' if '?' in url else '?'}lang={lang}")
        for width in (390, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(folder / f"{name}-{lang}-{width}.png"), full_page=True)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{name} ({lang}) is {wide} px wide in a {width} px window"
