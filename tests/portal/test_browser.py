"""A citizen on a small phone, end to end, in a real browser (Playwright driving Debian's
chromium at /usr/bin/chromium against a live server): log in with eID at the OpenID
Connect provider, find the procedure, apply online with an upload, see the appointment
once the counter has received the dossier, get the e-mail, and rate the service after the
result is returned.

Login: the development OpenID Connect provider of tests/identity (npm oidc-provider on
loopback), started for the live server so that its client accepts the live server's
callback URL; the citizen fills the provider's own login and consent pages in the browser.
E-mail: the loopback SMTP server of tests/notify.

Screenshots at 360×640 go to test-artifacts/portal/.
"""

import os
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone

from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, State
from motcua.identity.models import CitizenIdentity
from motcua.identity.oidc import forget_clients
from motcua.ratings.models import Rating
from tests.identity.conftest import ACCOUNT
from tests.identity.oidc_provider import ProviderError, start
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
EMAIL = "anh.nguyen@example.invalid"
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


@pytest.fixture(scope="session")
def live_oidc_provider(live_server):
    """A provider whose client's redirect URI is the live server's callback (its port is
    only known once the live server runs, after tests/identity's provider was started)."""
    try:
        provider = start(
            redirect_uris=[f"{live_server.url}/oidc/callback/"],
            post_logout_redirect_uris=[f"{live_server.url}/"],
        )
    except ProviderError as error:
        pytest.fail(f"The development OpenID Connect provider is required: {error}", pytrace=False)
    yield provider
    provider.stop()


@pytest.fixture
def eid(settings, live_server, live_oidc_provider):
    """motcua behind the live server, configured against that provider."""
    settings.MOTCUA_PUBLIC_URL = live_server.url
    settings.MOTCUA_OIDC_ISSUER = live_oidc_provider.issuer
    settings.MOTCUA_OIDC_CLIENT_ID = live_oidc_provider.client_id
    settings.MOTCUA_OIDC_CLIENT_SECRET = live_oidc_provider.client_secret
    settings.MOTCUA_OIDC_SCOPES = "openid profile"
    forget_clients()
    yield live_oidc_provider
    forget_clients()


def _log_in(page, live_server, provider) -> None:
    """The eID login: the portal's link, the provider's login and consent pages, back."""
    page.goto(f"{live_server.url}/")
    page.click("a[href^='/oidc/login/']")
    page.wait_for_url(f"{provider.issuer}/interaction/**")
    page.fill("input[name=id_number]", ACCOUNT["id_number"])
    page.fill("input[name=password]", ACCOUNT["password"])
    page.select_option("select[name=level]", "2")
    _shot(page, "0-eid-login")
    page.click("button:has-text('Đăng nhập')")
    page.wait_for_url(f"{provider.issuer}/interaction/**")
    page.click("button:has-text('Đồng ý')")  # share the identity with motcua
    page.wait_for_url(f"{live_server.url}/")
    assert page.is_visible("button:has-text('Đăng xuất')")
    assert page.is_visible("text=Nguyễn Thị Ngọc Ánh")


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_citizen_applies_online_follows_the_dossier_and_rates_it(
    transactional_db, live_server, staff, procedure, eid, smtp, browser
):
    add_documents(procedure)
    context = browser.new_context(viewport=PHONE, locale="vi-VN", device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)

    # Log in with eID at the provider, in this browser.
    _log_in(page, live_server, eid)
    identity = CitizenIdentity.objects.get()
    assert (identity.issuer, identity.id_number) == (eid.issuer, ACCOUNT["id_number"])

    # Find the procedure, without accents.
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
    assert page.input_value("#id_name") == "Nguyễn Thị Ngọc Ánh"  # from the eID login
    page.fill("#id_phone", "0912345678")
    page.fill("#id_email", EMAIL)
    page.fill("#id_id_number", ACCOUNT["id_number"])
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
    assert dossier.owner_id == identity.user_id
    assert page.is_visible(f"text={dossier.code}")

    # The counter receives it; the citizen sees the appointment.
    dossier = s.dossier_receive(dossier=dossier, user=staff.counter_a)
    page.reload()
    assert page.is_visible("text=Ngày hẹn trả kết quả")
    appointment = timezone.localtime(dossier.due_at)
    assert page.is_visible(f"text={appointment:%d/%m/%Y %H:%M}")
    _shot(page, "5-appointment")

    # The e-mail of the receipt, received by the SMTP server on loopback.
    [mail] = smtp.to(EMAIL)
    assert dossier.code in mail["Subject"]
    assert dossier.code in smtp.text(mail)
    assert f"{appointment:%d/%m/%Y}" in smtp.text(mail)

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
