import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.catalog.models import Procedure
from tests.catalog.support import catalogue, item

MOTCUA = Path(sys.executable).with_name("motcua")


@pytest.fixture(scope="module")
def fresh_install(tmp_path_factory):
    """A demo installation in a temporary directory, migrated, as an operator would have."""
    var = tmp_path_factory.mktemp("motcua-var")
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env.update(
        MOTCUA_DEMO="1",
        MOTCUA_VAR_DIR=str(var),
        DATABASE_URL=f"sqlite:///{var}/db.sqlite3",
    )
    env.pop("SECRET_KEY", None)
    migrate = subprocess.run(
        [MOTCUA, "migrate", "--no-input", "-v", "0"], env=env, capture_output=True, text=True
    )
    assert migrate.returncode == 0, migrate.stderr
    return var, env


def run(env, *args):
    return subprocess.run([MOTCUA, "catalog", *args], env=env, capture_output=True, text=True)


def test_importing_a_bad_file_exits_2_with_one_line_on_stderr(fresh_install):
    var, env = fresh_install
    bad = var / "bad.json"
    bad.write_text(
        json.dumps(catalogue(item("OK-1"), item("BAD-2", limit_kind="weeks"))), encoding="utf-8"
    )
    result = run(env, "import", str(bad))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Thủ tục BAD-2 (mục 2), trường limit_kind" in lines[0]
    assert "Traceback" not in result.stderr
    # Nothing was written: exporting shows an empty catalogue.
    exported = run(env, "export")
    assert exported.returncode == 0
    assert json.loads(exported.stdout)["procedures"] == []


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("catalogue.xml", "<x/>", "only .json or .csv files"),
        ("missing.json", None, "cannot read the file"),
        ("latin1.csv", b"code\xe9\n", "the file is not UTF-8"),
        ("broken.json", "{", "invalid JSON at line 1"),
    ],
)
def test_unreadable_input_exits_2_with_one_clear_line(fresh_install, name, content, expected):
    var, env = fresh_install
    path = var / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    result = run(env, "import", str(path))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert expected in result.stderr


@pytest.mark.django_db
def test_the_command_imports_exports_and_seeds(tmp_path):
    out = StringIO()
    call_command("catalog", "seed", stdout=out)
    assert "created" in out.getvalue()
    seeded = Procedure.objects.count()
    assert seeded >= 25

    out = StringIO()
    call_command("catalog", "seed", stdout=out)
    assert "already loaded" in out.getvalue()

    exported = tmp_path / "catalogue.csv"
    call_command("catalog", "export", "--format", "csv", "--output", str(exported), stdout=out)
    assert exported.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM

    Procedure.objects.all().delete()
    out = StringIO()
    call_command("catalog", "import", str(exported), stdout=out)
    assert f"{seeded} created" in out.getvalue()

    new = tmp_path / "new.json"
    new.write_text(json.dumps(catalogue(item("CMD-1"))), encoding="utf-8")
    call_command("catalog", "import", str(new), stdout=StringIO())
    assert Procedure.objects.filter(code="CMD-1").exists()

    out = StringIO()
    call_command("catalog", "export", stdout=out)
    codes = [p["code"] for p in json.loads(out.getvalue())["procedures"]]
    assert "CMD-1" in codes and "1.001193" in codes


@pytest.mark.django_db
def test_a_rejected_import_raises_a_command_error_with_exit_code_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([item("X-1", limit_kind="same-day", limit_amount=3)]))
    with pytest.raises(CommandError) as error:
        call_command("catalog", "import", str(bad))
    assert error.value.returncode == 2
    assert "a same-day limit takes amount 0, not 3" in str(error.value)
    assert not Procedure.objects.exists()
