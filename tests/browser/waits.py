"""Waiting for a page in the browser tests with Playwright's own polling.

`page.wait_for_function("...")` is evaluated by `eval` whenever its first check fails, and the pages'
Content-Security-Policy (`script-src 'self'`) refuses that: a test then fails only on a loaded machine,
when an image is not yet loaded at the first check.
"""

from playwright.sync_api import expect


def images_loaded(images) -> None:
    """Waits for the locator's first image to be in the page, then until every image it matches has loaded,
    and checks that each decoded."""
    expect(images.first).to_be_attached()
    for image in images.all():
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("i => i.naturalWidth") > 0, image.get_attribute("src")
