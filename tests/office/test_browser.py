"""The back office in a real browser (Debian's chromium through Playwright) on a live
server, as the demo's officers use it: the counter receives and prints the receipt, the
specialist proposes the result, the leader (with a TOTP second factor enrolled at first
login) approves and the result is signed, the counter returns it; and a late dossier
cannot be returned before its apology. Every page is kept as a screenshot under
test-artifacts/screenshots/.
"""

import io
import re

import pyotp
import pytest
import time_machine
from fpdf import FPDF
from pypdf import PdfReader

from motcua.catalog.models import RequiredDocument
from motcua.dossiers import services as s
from motcua.dossiers.models import Channel, Dossier, State
from motcua.office.models import SignedResult
from motcua.signing.demo import ensure_demo_pki
from motcua.units.demo import DEMO_PASSWORD, seed_demo
from motcua.units.models import User
from tests.dossiers.conftest import APPLICANT, at, make_procedure

pytestmark = pytest.mark.django_db(transaction=True)


def result_pdf(text: str = "QUYET DINH: cap Giay khai sinh") -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


@pytest.fixture
def demo(units, settings, tmp_path):
    """The demo province with its officers and demo signing certificates, and a birth
    registration procedure with its checklist."""
    settings.DEMO = True
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_SIGNING_TRUST_BUNDLE = ""
    seed_demo()
    ensure_demo_pki()
    procedure = make_procedure()
    for order, (name, mandatory) in enumerate(
        [("Tờ khai đăng ký khai sinh", True), ("Giấy chứng sinh", True), ("Giấy ủy quyền", False)],
        start=1,
    ):
        RequiredDocument.objects.create(
            procedure=procedure, name=name, form="original", order=order, mandatory=mandatory
        )
    return procedure


def log_in(page, username: str, *, shot=None, name: str = ""):
    page.goto("/office/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    if shot is not None and name:
        shot(page, name)
    page.click("#login-submit")


def test_counter_receives_specialist_proposes_leader_signs_counter_returns(
    demo, page_for, shot, live_server, tmp_path
):
    # -- the counter officer receives a dossier and prints the receipt ---------------------
    counter = page_for()
    log_in(counter, "tiepnhan", shot=shot, name="01-login")
    counter.wait_for_url("**/office/")
    shot(counter, "02-inbox-empty")
    counter.keyboard.press("Alt+2")  # the counter's menu key
    counter.goto("/office/intake/")
    counter.fill("#procedure-q", "khai sinh")  # no accents: finds "Đăng ký khai sinh"
    counter.wait_for_selector("#procedure-results a")
    shot(counter, "03-intake-procedure-search")
    counter.press("#procedure-q", "ArrowDown")
    counter.keyboard.press("Enter")
    counter.wait_for_selector("#intake-form")
    counter.fill("#id_id_number", APPLICANT.id_number)
    counter.fill("#id_name", APPLICANT.name)
    counter.fill("#id_phone", APPLICANT.phone)
    counter.fill("#id_address", APPLICANT.address)
    counter.click("#tick-all")
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(result_pdf("To khai"))
    counter.set_input_files("#checklist tbody tr:first-child input[type=file]", str(scan))
    shot(counter, "04-intake-form")
    counter.click("#do-receive")
    counter.wait_for_selector("#done-panel")
    shot(counter, "05-dossier-received")
    code = counter.inner_text("#dossier-code").strip()
    assert re.fullmatch(r"000\.01\.30\.H57-\d{6}-0001", code)
    dossier = Dossier.objects.get(code=code)
    assert dossier.state == State.RECEIVED
    assert dossier.documents.filter(kind="component").count() == 3
    # The receipt: the print button opens the PDF with the code and the appointment.
    href = counter.get_attribute("#print-slip", "href")
    receipt = counter.request.get(href)
    assert receipt.ok and receipt.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.body())).pages)
    assert code in text
    assert f"{dossier.due_at.astimezone(at(2026, 1, 1).tzinfo):%d/%m/%Y}" in text
    # The counter hands the dossier to the specialist.
    counter.select_option("#action-assign select[name=assignee]", label="Trần Văn Minh")
    counter.click("#submit-assign")
    counter.wait_for_selector("#dossier-state[data-state=processing]")

    # -- the specialist processes it ------------------------------------------------------
    specialist = page_for()
    log_in(specialist, "chuyenvien")
    specialist.wait_for_url("**/office/")
    specialist.wait_for_selector(f"#inbox-table a:text('{code}')")
    shot(specialist, "06-inbox-specialist")
    # The English switch, and back to Vietnamese.
    specialist.click("button[name=language][value=en]")
    specialist.wait_for_selector("html[lang=en]")
    assert "My dossiers" in specialist.inner_text("#tab-mine")
    shot(specialist, "06b-inbox-english")
    specialist.click("button[name=language][value=vi]")
    specialist.wait_for_selector("html[lang=vi]")
    specialist.click(f"#inbox-table a:text('{code}')")
    specialist.wait_for_selector("#dossier-code")
    shot(specialist, "07-dossier-processing")
    draft = tmp_path / "du-thao-giay-khai-sinh.pdf"
    draft.write_bytes(result_pdf())
    specialist.click("#action-propose summary")
    specialist.set_input_files("#action-propose input[type=file]", str(draft))
    specialist.fill("#action-propose textarea", "Đủ điều kiện cấp Giấy khai sinh.")
    specialist.click("#submit-propose")
    specialist.wait_for_selector("#dossier-state[data-state=awaiting_approval]")

    # -- the leader enrols the second factor, approves, and the result is signed -----------
    leader = page_for()
    log_in(leader, "lanhdao")
    leader.wait_for_url("**/office/login/enrol/")
    shot(leader, "08-enrol-second-factor")
    secret = leader.get_attribute("#totp-secret", "data-secret")
    leader.fill("#id_code", pyotp.TOTP(secret).now())
    leader.click("#code-submit")
    leader.wait_for_url("**/office/")
    leader.goto("/office/approvals/")
    leader.wait_for_selector("#queue-table")
    shot(leader, "09-approval-queue")
    leader.click(f"#queue-table tr:has-text('{code}') a.btn")
    leader.wait_for_selector("#action-approve[open]")
    shot(leader, "10-approval-review")
    leader.click("#submit-approve")
    leader.wait_for_url("**/office/approvals/")
    signed = SignedResult.objects.get(dossier__code=code)
    assert signed.signed_by.username == "lanhdao"

    # -- the counter returns it -----------------------------------------------------------
    counter.goto("/office/returns/")
    counter.wait_for_selector("#queue-table")
    shot(counter, "11-return-queue")
    counter.click(f"#queue-table tr:has-text('{code}') a.btn")
    if counter.locator("#submit-take_result").count():
        counter.click("#submit-take_result")
        counter.wait_for_selector("#dossier-state[data-state=result_ready]")
    shot(counter, "12-return-page")
    counter.check("input[name=method][value=in_person]")
    counter.click("#submit-return")
    counter.wait_for_selector("#dossier-state[data-state=returned]")
    counter.wait_for_selector("#signature-status")
    shot(counter, "13-dossier-returned-signed")
    assert counter.get_attribute("#signature-status", "data-valid") == "1"
    assert counter.get_attribute("#signature-status", "data-trusted") == "1"
    assert "Phạm Quốc Hùng" in counter.inner_text("#signature-status")
    dossier.refresh_from_db()
    assert dossier.state == State.RETURNED
    with dossier.result_file.open("rb") as handle:
        assert b"/ByteRange" in handle.read()  # the result is the signed PDF
    # Search finds it by the applicant's name typed without accents.
    counter.goto("/office/search/")
    counter.fill("#id_q", "nguyen thi ngoc")
    counter.click("#search-submit")
    counter.wait_for_selector(f"#search-table a:text('{code}')")
    shot(counter, "13b-search")


def test_a_late_dossier_cannot_be_returned_without_an_apology(demo, page_for, shot):
    counter_user = User.objects.get(username="tiepnhan")
    specialist = User.objects.get(username="chuyenvien")
    leader = User.objects.get(username="lanhdao")
    # Received on Monday 9 March 2026, due Thursday 12 March; finished on Friday 13: late.
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False) as clock:
        d = s.dossier_submit(
            procedure=demo,
            receiving_agency=counter_user.agency,
            applicant=APPLICANT,
            channel=Channel.COUNTER,
            user=counter_user,
        )
        d = s.dossier_receive(dossier=d, user=counter_user)
        d = s.step_assign(dossier=d, user=counter_user, assignee=specialist)
        clock.move_to(at(2026, 3, 13, 10, 0))
        d = s.dossier_propose_result(
            dossier=d, user=specialist, file_name="du-thao.pdf", content=result_pdf()
        )
        d = s.dossier_reject(dossier=d, user=leader, reason="Không đủ điều kiện")
    assert d.outcome == "late"

    page = page_for()
    log_in(page, "tiepnhan")
    page.wait_for_url("**/office/")
    page.goto(f"/office/returns/{d.code}/")
    page.wait_for_selector("#apology-needed")
    shot(page, "14-late-return-needs-apology")
    # Returning anyway is refused with the reason, and the dossier stays as it was.
    page.click("#submit-return")
    page.wait_for_selector("#action-error")
    assert "xin lỗi" in page.inner_text("#action-error")
    shot(page, "15-late-return-refused")
    d.refresh_from_db()
    assert d.state == State.REJECTED
    # The page offers the apology form: reason and a new date.
    page.fill("#action-apologize textarea[name=reason]", "Chờ xác minh thông tin hộ tịch")
    page.fill("#action-apologize input[name=new_date]", "31/12/2026")
    page.fill("#action-apologize input[name=new_time]", "16:30")
    page.click("#submit-apologize")
    page.wait_for_selector("#return-panel")
    assert page.locator("#apology-needed").count() == 0
    page.click("#submit-return")
    page.wait_for_selector("#dossier-state[data-state=returned]")
    shot(page, "16-late-dossier-returned")
    d.refresh_from_db()
    assert d.state == State.RETURNED
    assert d.slips.filter(kind="apology").exists()
