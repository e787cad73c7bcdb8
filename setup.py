"""Compiles the translation catalogues (.po -> .mo) whenever the package is built: `pip install .`,
`pip install -e .` and `pip wheel .` all ship Japanese, not English, to Japanese visitors."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TRANSLATIONS = Path(__file__).resolve().parent / "campaign" / "translations"


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=po_path.parts[-3])
            with po_path.with_suffix(".mo").open("wb") as mo_file:
                write_mo(mo_file, catalog)
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
