"""Production settings refuse to start unsafely; development keeps one local secret key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from glabella.config.env import local_secret_key


def start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "glabella.config.settings",
        "GLABELLA_VAR_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(  # noqa: S603  (the test's own interpreter)
        [sys.executable, "-c", "import django; django.setup()"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DEBUG": "1", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "clinic.example"},
            "DEBUG must be off in production",
        ),
        ({"DEBUG": "0", "ALLOWED_HOSTS": "clinic.example"}, "SECRET_KEY must be set"),
        ({"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must be set"),
        ({"DEBUG": "maybe", "SECRET_KEY": "x" * 50}, "DEBUG must be a yes/no value"),
    ],
)
def test_production_refuses_unsafe_settings(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = start(tmp_path, GLABELLA_ENV="production", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_safe_settings(tmp_path: Path) -> None:
    result = start(
        tmp_path,
        GLABELLA_ENV="production",
        DEBUG="0",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="clinic.example",
    )
    assert result.returncode == 0, result.stderr


def test_development_secret_key_is_generated_once(tmp_path: Path) -> None:
    first = local_secret_key(tmp_path)
    assert len(first) >= 50
    assert local_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.django_db
def test_tests_run_on_the_database_that_database_url_names() -> None:
    from django.db import connection

    expected = "postgresql" if os.environ["DATABASE_URL"].startswith("postgres") else "sqlite"
    assert connection.vendor == expected


def test_check_deploy_is_clean_once_the_clinic_opts_into_hsts_for_subdomains(
    tmp_path: Path,
) -> None:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "glabella.config.settings",
        "GLABELLA_VAR_DIR": str(tmp_path),
        "GLABELLA_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": "k3y-" + "x9" * 30,
        "ALLOWED_HOSTS": "clinic.example",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "SECURE_HSTS_PRELOAD": "1",
    }
    script = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    result = subprocess.run(  # noqa: S603  (the test's own interpreter)
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
