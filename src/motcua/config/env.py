"""Typed readers for environment variables.

Every reader fails with :class:`ConfigError`, whose message is one line naming the variable
and what it expects; ``motcua`` prints that line and exits instead of a traceback.
"""

import os
from pathlib import Path

import dj_database_url


class ConfigError(Exception):
    """A setting read from the environment is missing or malformed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ConfigError(f"{name} is required but not set (see .env.example)")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int = 10**9) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number") from None
    if not minimum <= number <= maximum:
        raise ConfigError(f"{name}={number} is out of range ({minimum}..{maximum})")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_database(name: str, default: str, *, var_dir: Path) -> dict:
    """Parse a database URL; only SQLite and PostgreSQL are supported."""
    url = env_str(name, default)
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as error:
        raise ConfigError(
            f"{name}={url!r} is not a valid database URL "
            f"(use sqlite:///path/to/file.sqlite3 or postgres://user:pass@host:5432/name): {error}"
        ) from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        if not config.get("NAME") or config["NAME"] == ":memory:":
            raise ConfigError(f"{name}={url!r}: the SQLite database needs a file path")
        path = Path(config["NAME"])
        if not path.is_absolute():
            path = var_dir.parent / path
        config["NAME"] = str(path)
        config["CONN_MAX_AGE"] = 0
        config.pop("CONN_HEALTH_CHECKS", None)
        config["OPTIONS"] = {
            # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock
            # at BEGIN so two concurrent transitions queue instead of failing mid-transaction
            # with "database is locked" on upgrade from a read lock.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                " PRAGMA busy_timeout=20000;"
            ),
        }
    elif engine in {"django.db.backends.postgresql"}:
        if not config.get("NAME"):
            raise ConfigError(f"{name}={url!r}: the PostgreSQL URL needs a database name")
        # JIT compilation pays off for long analytical queries only; on the short queries of
        # a page whose estimated cost passes jit_above_cost (a count over a common name) it
        # spent 360 ms compiling a query that runs in 8 ms. A URL that sets ``options``
        # (e.g. ``?options=-c%20jit%3Don``) keeps its own choice.
        options = config.setdefault("OPTIONS", {})
        if "jit" not in options.get("options", ""):
            options["options"] = f"{options.get('options', '')} -c jit=off".strip()
        # psycopg prepares statements only on a connection whose threshold is set (Django
        # leaves it None, for transaction-pooling proxies). The transitions' cursor asks
        # for preparing explicitly (dossiers/services/statements.py; off with
        # MOTCUA_PREPARED_STATEMENTS=0); the threshold is high so nothing else is prepared
        # by count, and Django's own cursors bind on the client and never prepare.
        options.setdefault("prepare_threshold", 1_000_000)
    else:
        raise ConfigError(
            f"{name}={url!r}: unsupported database (motcua runs on SQLite or PostgreSQL)"
        )
    return config
