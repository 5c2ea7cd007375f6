"""Settings: misconfiguration ends with one clear line, never a traceback."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from motcua.config.env import ConfigError, env_database


def run_motcua(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "motcua.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )


def assert_one_clear_line(result, *needles):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0]


def test_an_unsupported_database_url_gives_one_clear_line(tmp_path):
    result = run_motcua(
        "check",
        DATABASE_URL="mysql://root@localhost/x",
        MOTCUA_DEMO="1",
        MOTCUA_VAR_DIR=str(tmp_path),
    )
    assert_one_clear_line(result, "DATABASE_URL", "configuration error")


def test_a_garbled_database_url_gives_one_clear_line(tmp_path):
    result = run_motcua(
        "check", DATABASE_URL="not a url", MOTCUA_DEMO="1", MOTCUA_VAR_DIR=str(tmp_path)
    )
    assert_one_clear_line(result, "DATABASE_URL")


def test_an_unreachable_database_gives_one_clear_line(tmp_path):
    result = run_motcua(
        "migrate",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/nothing",
        MOTCUA_DEMO="1",
        MOTCUA_VAR_DIR=str(tmp_path),
    )
    assert_one_clear_line(result, "database error")


def test_secret_key_is_required_outside_demo_mode(tmp_path):
    result = run_motcua("check", SECRET_KEY="", MOTCUA_DEMO="0", MOTCUA_VAR_DIR=str(tmp_path))
    assert_one_clear_line(result, "SECRET_KEY")


def test_a_non_boolean_flag_is_named(tmp_path):
    result = run_motcua("check", MOTCUA_DEMO="perhaps", MOTCUA_VAR_DIR=str(tmp_path))
    assert_one_clear_line(result, "MOTCUA_DEMO")


def test_demo_mode_keeps_a_generated_secret_key_under_var(tmp_path):
    first = run_motcua("check", SECRET_KEY="", MOTCUA_DEMO="1", MOTCUA_VAR_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "demo-secret-key").read_text()
    assert len(key) >= 50
    run_motcua("check", SECRET_KEY="", MOTCUA_DEMO="1", MOTCUA_VAR_DIR=str(tmp_path))
    assert (tmp_path / "demo-secret-key").read_text() == key


def test_sqlite_path_is_resolved_and_configured_for_wal(tmp_path):
    config = env_database("NO_SUCH_VARIABLE", "sqlite:///var/x.sqlite3", var_dir=tmp_path / "var")
    assert config["NAME"] == str(tmp_path / "var" / "x.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    with pytest.raises(ConfigError):
        env_database("NO_SUCH_VARIABLE", "sqlite://:memory:", var_dir=tmp_path)


def test_postgresql_connections_compile_no_jit_unless_the_url_asks(tmp_path):
    url = "postgres://u@127.0.0.1:5432/motcua"
    config = env_database("NO_SUCH_VARIABLE", url, var_dir=tmp_path)
    assert config["OPTIONS"]["options"] == "-c jit=off"
    config = env_database("NO_SUCH_VARIABLE", url + "?options=-c%20jit%3Don", var_dir=tmp_path)
    assert config["OPTIONS"]["options"] == "-c jit=on"


@pytest.mark.django_db
def test_the_live_postgresql_connection_has_jit_off():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_time_zone_and_languages():
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_it_was_asked_for():
    """CI's PostgreSQL run sets MOTCUA_REQUIRE_POSTGRES: it must not fall back to SQLite."""
    if os.environ.get("MOTCUA_REQUIRE_POSTGRES"):
        assert connection.vendor == "postgresql"
    elif "DATABASE_URL" not in os.environ:
        assert connection.vendor == "sqlite"
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()[0]
        # The test database may be in memory, where WAL does not apply.
        assert mode in {"wal", "memory"}
