"""Waiting for a page in the browser tests with Playwright's own polling.

`page.wait_for_function("...")` is evaluated by `eval` whenever its first check fails, and the pages'
Content-Security-Policy (`script-src 'self'`) refuses that: a test then fails only on a loaded machine,
when an image is not yet loaded, or the page's deferred script has not yet run, at the first check. The
`page` fixture refuses `wait_for_function` for that reason: use `expect()` or `until()` below.
"""

import time

from playwright.sync_api import expect

REFUSED = (
    "page.wait_for_function evaluates its predicate with eval once its first check fails, which the pages' "
    "Content-Security-Policy refuses (a failure only on a loaded machine): use playwright's expect() or "
    "tests.browser.waits.until"
)


def until(page, expression: str, timeout: float = 10.0) -> None:
    """Checks a JavaScript expression from Python until it is true: each check is one `page.evaluate`,
    which the pages' Content-Security-Policy allows."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(50)


def images_loaded(images) -> None:
    """Waits for the locator's first image to be in the page, then until every image it matches has loaded,
    and checks that each decoded."""
    expect(images.first).to_be_attached()
    for image in images.all():
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("i => i.naturalWidth") > 0, image.get_attribute("src")
