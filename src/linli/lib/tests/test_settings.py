import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[4]


def test_deploy_check_is_clean_with_the_documented_variables(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "false",
        "HTTPS": "true",
        "SECRET_KEY": "k3Jx9-documented-variables-make-this-long-and-random-enough-1234567890",
        "ALLOWED_HOSTS": "linli.example.org",
        "LINLI_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT / "src"),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_site_speaks_chinese_in_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
