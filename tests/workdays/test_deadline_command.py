"""`motcua deadline` and `motcua calendar`: the command-line contract later checks rely on."""

import csv
import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.calendar.support import CASES_FILE, shared_dir

pytestmark = pytest.mark.usefixtures("units")


def deadline(*args: str) -> str:
    out = io.StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue().strip()


def test_the_documented_example():
    assert deadline("--received", "2026-03-09T10:00", "--days", "3") == (
        "2026-03-12T10:00:00+07:00"
    )


def _cases():
    with (shared_dir() / CASES_FILE).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


FLAGS = {"days": "--days", "hours": "--hours", "calendar-days": "--calendar-days"}


@pytest.mark.parametrize("case", _cases(), ids=lambda c: f"{c['received']}-{c['limit']}-{c['n']}")
def test_every_reference_case_through_the_command(case):
    args = ["--same-day"] if case["limit"] == "same-day" else [FLAGS[case["limit"]], case["n"]]
    assert deadline("--received", case["received"], *args) == case["due"]


def test_an_offset_in_received_is_respected():
    # 03:00 UTC is 10:00 in Hà Nội.
    assert deadline("--received", "2026-03-09T03:00:00+00:00", "--days", "3") == (
        "2026-03-12T10:00:00+07:00"
    )


def test_a_province_with_its_own_day_off(personas):
    call_command(
        "calendar",
        "add-day-off",
        "2026-03-10",
        "--reason",
        "Ngày nghỉ của tỉnh",
        "--province",
        "46",
        stdout=io.StringIO(),
    )
    assert deadline("--received", "2026-03-09T10:00", "--days", "3", "--province", "46") == (
        "2026-03-13T10:00:00+07:00"
    )
    # The national calendar and other provinces are not affected.
    assert deadline("--received", "2026-03-09T10:00", "--days", "3", "--province", "1") == (
        "2026-03-12T10:00:00+07:00"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--received", "2026-02-30T10:00", "--days", "3"],
        ["--received", "2026-03-09T10:00", "--days", "-1"],
        ["--received", "2026-03-09T10:00", "--days", "100000"],
        ["--received", "2026-03-09T10:00", "--days", "3", "--province", "999"],
    ],
)
def test_bad_input_is_refused_with_exit_code_2(args):
    with pytest.raises(CommandError) as error:
        deadline(*args)
    assert error.value.returncode == 2


def run_cli(*args, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        MOTCUA_DEMO="1",
        MOTCUA_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path}/cli.sqlite3",
    )
    return subprocess.run(
        [sys.executable, "-m", "motcua.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli")
    result = run_cli("migrate", tmp_path=path)
    assert result.returncode == 0, result.stderr
    return path


def test_the_real_command_prints_one_line(cli_db):
    result = run_cli("deadline", "--received", "2026-03-09T10:00", "--days", "3", tmp_path=cli_db)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "2026-03-12T10:00:00+07:00\n"


@pytest.mark.parametrize(
    "args",
    [
        ["--received", "2026-13-01T10:00", "--days", "3"],
        ["--received", "2026-03-09T10:00", "--days", "3", "--hours", "2"],
        ["--received", "2026-03-09T10:00"],
        ["--received", "2026-03-09T10:00", "--days", "-4"],
        ["--received", "2026-03-09T10:00", "--days", "999999"],
        ["--received", "2026-03-09T10:00", "--days", "3", "--province", "9999"],
        ["--received", "yesterday", "--same-day"],
    ],
)
def test_the_real_command_fails_in_one_line_without_a_traceback(cli_db, args):
    result = run_cli("deadline", *args, tmp_path=cli_db)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""
