"""A citizen on a small phone, end to end, in a real browser (Playwright driving Debian's
chromium at /usr/bin/chromium against a live server): find the procedure, apply online
with an upload, see the appointment once the counter has received the dossier, and rate
the service after the result is returned.

Login: the eID login (OpenID Connect, motcua.identity) is not wired yet, so the citizen's
session is made with the Django test client (``force_login``) and its ``sessionid`` cookie
is put into the browser context. Replace ``_log_in`` with the OIDC flow once it exists.

Screenshots at 360×640 go to test-artifacts/portal/.
"""

import os
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, State
from motcua.ratings.models import Rating
from tests.portal.support import PDF, add_documents

CHROMIUM = os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 640}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "portal"


@pytest.fixture
def browser(monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"chromium is missing at {CHROMIUM}: install it with "
            "'apt-get install -y chromium' (or set MOTCUA_CHROMIUM to its path)."
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the playwright package is missing: '.venv/bin/pip install playwright'.")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between browser steps are plain synchronous calls all the same.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Inside Playwright the test runs in another context, where Django opens another
    # database connection: close each side's own, or PostgreSQL keeps the test database busy.
    connections.close_all()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        connections.close_all()
        browser.close()


def _log_in(context, live_server, user) -> None:
    """Stand-in for the eID login: a Django session made by the test client."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_citizen_applies_online_follows_the_dossier_and_rates_it(
    transactional_db, live_server, staff, procedure, citizen, browser
):
    add_documents(procedure)
    context = browser.new_context(viewport=PHONE, locale="vi-VN", device_scale_factor=1)
    _log_in(context, live_server, citizen)
    page = context.new_page()
    page.set_default_timeout(15_000)

    # Find the procedure, without accents.
    page.goto(f"{live_server.url}/")
    page.fill("#q", "dang ky khai sinh")
    page.click("button:has-text('Tìm')")
    _shot(page, "1-catalogue")
    page.click("text=Đăng ký khai sinh")
    assert page.is_visible("text=Thành phần hồ sơ")
    _shot(page, "2-procedure")

    # Where: the province, then the commune office.
    page.click("text=Nộp hồ sơ trực tuyến")
    page.select_option("#tinh", str(staff.province.pk))
    page.click("text=Xem nơi tiếp nhận")
    page.check(f"input[name=co_quan][value='{staff.agency_a.pk}']")
    page.click("text=Bắt đầu khai hồ sơ")

    # The application, with the two mandatory papers uploaded.
    assert page.input_value("#id_phone") == "0912345678"  # from the account
    page.fill("#id_id_number", "046190001234")
    page.fill("#id_address", "Số 12 đường Lê Lợi, Huế")
    first, second = procedure.documents.order_by("order")[:2]
    page.set_input_files(
        f"#tep-{first.pk}", {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.set_input_files(
        f"#tep-{second.pk}",
        {"name": "chung-sinh.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    _shot(page, "3-application")
    page.click("text=Lưu và xem lại")
    assert page.is_visible("text=to-khai.pdf")
    _shot(page, "4-review")
    page.click("button:has-text('Nộp hồ sơ')")
    page.wait_for_url("**/ho-so/*/")
    dossier = Dossier.objects.get()
    assert dossier.state == State.SUBMITTED
    assert dossier.documents.count() == 2
    assert page.is_visible(f"text={dossier.code}")

    # The counter receives it; the citizen sees the appointment.
    dossier = s.dossier_receive(dossier=dossier, user=staff.counter_a)
    page.reload()
    assert page.is_visible("text=Ngày hẹn trả kết quả")
    assert page.is_visible(f"text={timezone.localtime(dossier.due_at):%d/%m/%Y %H:%M}")
    _shot(page, "5-appointment")

    # Processed and returned; the citizen rates it.
    run_to_returned_from_received(dossier, staff)
    page.reload()
    assert page.is_visible("text=Tải kết quả có chữ ký số (PDF)")
    page.click("text=Đánh giá việc giải quyết")
    page.check("input[name=time][value='2']")
    page.check("input[name=contacts][value='2']")
    page.check("input[name=bodies][value='1']")
    page.check("input[name=attitude][value='2']")
    page.check("input[name=satisfaction][value='4']")
    _shot(page, "6-rating")
    page.click("text=Gửi đánh giá")
    assert page.is_visible("text=Cảm ơn bạn! Đánh giá đã được ghi nhận.")
    _shot(page, "7-thanks")
    rating = Rating.objects.get()
    assert (rating.bodies, rating.satisfaction) == (1, 4)
    context.close()


def run_to_returned_from_received(dossier, staff):
    """The rest of ``run_to_returned`` for a dossier the counter already received."""
    d = s.step_assign(dossier=dossier, user=staff.counter_a, assignee=staff.specialist_a)
    d = s.dossier_propose_result(
        dossier=d, user=staff.specialist_a, file_name="du-thao.pdf", content=PDF
    )
    d = s.dossier_approve(dossier=d, user=staff.leader_a)
    d = s.dossier_mark_result_ready(
        dossier=d, user=staff.counter_a, result_file_name="ket-qua.pdf", result_content=PDF
    )
    return s.dossier_return(dossier=d, user=staff.counter_a)
