"""`pip install .` ships the compiled catalogues (issue 14: a production install showed English to Japanese
visitors, because nothing compiled the .po files)."""

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_wheel_carries_compiled_catalogues(tmp_path):
    source = tmp_path / "source"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, text=True
    ).stdout.split("\0")
    for name in filter(None, tracked):  # a checkout: no .mo (they are not committed)
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    assert not list(source.rglob("*.mo"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(tmp_path / "dist")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp_path / "dist").glob("kuchikomi-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert "campaign/translations/ja/LC_MESSAGES/messages.mo" in names
        mo = archive.read("campaign/translations/ja/LC_MESSAGES/messages.mo")
    assert read_mo(io.BytesIO(mo)).get("Not found.").string == "見つかりませんでした。"
