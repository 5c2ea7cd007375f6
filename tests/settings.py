"""Settings for the test suite: the production module with test-only values filled in."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("MOTCUA_VAR_DIR", str(Path(tempfile.gettempdir()) / "motcua-test-var"))
os.environ.setdefault("MOTCUA_SECURE_SSL", "0")

from motcua.config.settings import *  # noqa: F403

# Tasks run at once in tests (on commit), so slips and notifications are checked inline.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = VAR_DIR / "media"  # noqa: F405

# Rate-limit counters per test process; tests clear it between tests without a database.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Same algorithm as production, lowest cost: creating officers in fixtures stays fast.
PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# A file, not SQLite's shared in-memory database: the concurrency tests open one connection
# per thread, and only a file gives them WAL and BEGIN IMMEDIATE as in production. The
# process id keeps two runs on one machine (SQLite or PostgreSQL) out of each other's way.
_db = DATABASES["default"]  # noqa: F405
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
else:
    _db["TEST"] = {"NAME": f"test_{_db['NAME']}_{os.getpid()}"}
