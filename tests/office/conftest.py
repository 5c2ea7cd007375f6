"""Fixtures for the back-office tests: clients per persona, dossiers driven through the
services to a given state, and the browser (Debian's chromium through Playwright) on a
live server.

The dossier fixtures (commune A's staff with its leader, the procedure and its process,
the frozen clock, ``submit``) come from tests/dossiers/conftest.py, re-exported by name.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.test import Client

from motcua.catalog.models import RequiredDocument
from motcua.dossiers import services as s
from motcua.dossiers.models import DeadlineStatus
from motcua.dossiers.services import Applicant
from motcua.office.auth import CLEARED_KEY
from tests.dossiers.conftest import APPLICANT, PDF, at, clock, procedure, staff, submit

__all__ = ["APPLICANT", "PDF", "at", "clock", "procedure", "staff", "submit"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("MOTCUA_TEST_ARTIFACTS", "test-artifacts")) / "screenshots"


@pytest.fixture
def office(db):
    """``office(user)``: a test client logged in as ``user`` through the office's rule
    (for a leader: as if the second factor had been given)."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
            session = client.session
            session[CLEARED_KEY] = user.pk
            session.save()
        return client

    return make


@pytest.fixture
def papers(procedure):
    """The procedure's checklist: two required papers and an optional one."""
    return [
        RequiredDocument.objects.create(
            procedure=procedure, name="Tờ khai đăng ký khai sinh", form="original", order=1
        ),
        RequiredDocument.objects.create(
            procedure=procedure, name="Giấy chứng sinh", form="original", order=2
        ),
        RequiredDocument.objects.create(
            procedure=procedure,
            name="Văn bản ủy quyền",
            form="certified_copy",
            order=3,
            mandatory=False,
        ),
    ]


@pytest.fixture
def drive(staff, submit, django_capture_on_commit_callbacks):
    """``drive(state)``: a fresh dossier of commune A moved to ``state`` by the services
    (slips made as after a commit)."""

    def to(state: str):
        with django_capture_on_commit_callbacks(execute=True):
            return _to(state)

    def _to(state: str):
        d = submit()
        if state == "submitted":
            return d
        d = s.dossier_receive(dossier=d, user=staff.counter_a)
        if state == "received":
            return d
        d = s.step_assign(dossier=d, user=staff.counter_a, assignee=staff.specialist_a)
        if state == "processing":
            return d
        d = s.dossier_propose_result(
            dossier=d, user=staff.specialist_a, file_name="du-thao.pdf", content=PDF
        )
        if state == "awaiting_approval":
            return d
        d = s.dossier_approve(dossier=d, user=staff.leader_a)
        if state == "approved":
            return d
        d = s.dossier_mark_result_ready(dossier=d, user=staff.counter_a)
        if state == "result_ready":
            return d
        raise ValueError(state)

    return to


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the after-commit work (slips) of what happens inside."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def many(staff, submit, clock):
    """30 dossiers of commune A in processing with the specialist, received over three
    days; one flagged at risk, one late."""
    made = []
    for day in range(3):
        clock.move_to(at(2026, 3, 9 + day, 8, 0))
        for n in range(10):
            d = submit(
                applicant=Applicant(
                    name=f"Nguyễn Văn {chr(65 + n)}{day}", id_number=f"0461900{day}{n:04d}"
                )
            )
            d = s.dossier_receive(dossier=d, user=staff.counter_a)
            d = s.step_assign(dossier=d, user=staff.counter_a, assignee=staff.specialist_a)
            made.append(d)
    clock.move_to(at(2026, 3, 11, 16, 0))
    first, second = made[0], made[15]
    first.steps.filter(kind="appraise").update(deadline_status=DeadlineStatus.AT_RISK)
    # The first day's steps are due Wednesday 11 March 12:00: late now.
    assert first.steps.get(kind="appraise").due_at < at(2026, 3, 11, 16, 0)
    return made, first, second


# -- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright. Never a browser download: if chromium is
    missing the test fails and says how to install it.

    Module-scoped: Playwright's sync API refuses a second instance in the same thread, so
    this one is closed before another module (the portal's browser tests) starts its own.
    """
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(
            "Debian's chromium is not installed: run `apt-get update && apt-get install -y "
            "chromium` (the browser tests never download a browser).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # (checking the database between clicks) are synchronous and safe.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=CHROMIUM_ARGS,
            headless=True,
        )
        yield browser
        browser.close()


@pytest.fixture
def page_for(browser, live_server):
    """``page_for()``: a fresh browser context (its own cookies) at 1366×768 in
    Vietnamese, bound to the live server."""
    contexts = []
    problems: list[str] = []

    def make():
        context = browser.new_context(
            viewport={"width": 1366, "height": 768},
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            base_url=live_server.url,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        # Every asset comes from the app and nothing breaks the page's CSP: a blocked
        # script or style, or a script error, fails the test.
        page.on(
            "console",
            lambda message: (
                problems.append(message.text)
                if message.type == "error"
                and not message.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.on(
            "response",
            lambda response: (
                problems.append(f"{response.status} {response.url}")
                if response.status >= 400
                and response.request.resource_type in {"script", "stylesheet", "image", "font"}
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert problems == [], problems


@pytest.fixture
def shot():
    """``shot(page, name)``: keep a full-page screenshot as a test artefact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
