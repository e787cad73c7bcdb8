"""`./scripts/dev` and `flask demo seed`: the links printed point at the port the demo is served on."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PUBLIC_BASE_URL": "http://127.0.0.1:8123/"}


def test_the_demo_prints_links_on_the_public_base_url(runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Studio: http://127.0.0.1:8123/login" in result.output
    assert "Campaign page: http://127.0.0.1:8123/c/spring-photo" in result.output
    assert ":5000" not in result.output


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"PORT": "8123"}, "http://127.0.0.1:8123"),
        ({}, "http://127.0.0.1:5000"),
        ({"PORT": "8123", "KUCHIKOMI_PUBLIC_BASE_URL": "https://demo.example"}, "https://demo.example"),
    ],
)
def test_scripts_dev_sets_the_public_base_url_from_port(environment, expected):
    [line] = [
        x for x in (ROOT / "scripts" / "dev").read_text().splitlines() if "KUCHIKOMI_PUBLIC_BASE_URL=" in x
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("PORT", "KUCHIKOMI_PUBLIC_BASE_URL")}
    done = subprocess.run(
        ["bash", "-c", f'{line}\necho "$KUCHIKOMI_PUBLIC_BASE_URL"'],
        env={**env, **environment},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.stdout.strip() == expected
