"""Online submission: drafts, uploads, review, idempotent submit, assisted submission."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.dossiers.models import Channel, Dossier, DossierDocument, State
from motcua.portal.models import Draft, DraftFile
from motcua.portal.services import draft_submit
from motcua.units.models import User
from tests.portal.support import JPEG, PDF, PNG

FORM = {
    "applicant_kind": "person",
    "name": "Nguyễn Thị Ngọc Ánh",
    "id_number": "046190001234",
    "phone": "0912 345 678",
    "email": "anh@example.vn",
    "address": "Số 12 đường Lê Lợi, Huế",
    "details": "Đăng ký khai sinh cho con",
}


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.fixture
def draft(citizen_client, staff, documents, clock):
    response = citizen_client.post(
        "/thu-tuc/1.001193/nop/", {"tinh": staff.province.pk, "co_quan": staff.agency_a.pk}
    )
    assert response.status_code == 302
    return Draft.objects.get()


def upload(document, name, content):
    return {f"tep-{document.pk}": SimpleUploadedFile(name, content)}


def complete(client, draft, documents):
    return client.post(
        f"/nop-ho-so/{draft.pk}/",
        {
            **FORM,
            **upload(documents[0], "to-khai.pdf", PDF),
            **upload(documents[1], "giay chung sinh.jpg", JPEG),
            "tiep": "1",
        },
    )


def test_applying_online_needs_a_login(client, documents):
    response = client.get("/thu-tuc/1.001193/nop/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_citizen_chooses_the_province_then_the_receiving_agency(
    citizen_client, staff, documents
):
    first = citizen_client.get("/thu-tuc/1.001193/nop/")
    assert staff.province.name in first.text
    assert staff.agency_a.name not in first.text
    second = citizen_client.get("/thu-tuc/1.001193/nop/", {"tinh": staff.province.pk})
    assert staff.agency_a.name in second.text
    assert staff.provincial_center.name in second.text
    assert staff.agency_c.name not in second.text
    # An agency of another province is not a choice.
    refused = citizen_client.post(
        "/thu-tuc/1.001193/nop/", {"tinh": staff.province.pk, "co_quan": staff.agency_c.pk}
    )
    assert refused.status_code == 400
    assert not Draft.objects.exists()


def test_a_draft_is_saved_half_filled_and_prefilled_from_the_account(citizen_client, draft):
    assert draft.form_data["phone"] == "0912345678"
    assert draft.idempotency_key.startswith("portal-")
    response = citizen_client.post(
        f"/nop-ho-so/{draft.pk}/", {"applicant_kind": "person", "name": "Nguyễn Văn B"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.form_data == {"applicant_kind": "person", "name": "Nguyễn Văn B"}
    page = citizen_client.get(f"/nop-ho-so/{draft.pk}/")
    assert 'value="Nguyễn Văn B"' in page.text


def test_submission_from_draft_to_dossier_with_its_documents(
    citizen_client, citizen, draft, documents, media
):
    response = complete(citizen_client, draft, documents)
    assert response.status_code == 302
    assert response["Location"] == f"/nop-ho-so/{draft.pk}/xem-lai/"
    review = citizen_client.get(response["Location"])
    assert "to-khai.pdf" in review.text
    assert "Nộp hồ sơ" in review.text
    submitted = citizen_client.post(f"/nop-ho-so/{draft.pk}/nop/")
    dossier = Dossier.objects.get()
    assert submitted["Location"] == f"/ho-so/{dossier.code}/"
    assert dossier.code == "000.01.30.H57-260309-0001"
    assert dossier.state == State.SUBMITTED
    assert dossier.channel == Channel.ONLINE
    assert dossier.owner == citizen
    assert dossier.applicant_phone == "0912345678"
    assert dossier.form_data["details"] == "Đăng ký khai sinh cho con"
    documents_ = list(dossier.documents.order_by("required_document__order"))
    assert [d.kind for d in documents_] == ["component", "component"]
    assert [d.required_document_id for d in documents_] == [documents[0].pk, documents[1].pk]
    assert documents_[0].file.read() == PDF
    assert documents_[1].content_type == "image/jpeg"
    assert not DraftFile.objects.exists()
    page = citizen_client.get(submitted["Location"])
    assert dossier.code in page.text
    assert "Giấy chứng sinh: giay chung sinh.jpg" in page.text


def test_a_double_click_or_a_retry_gives_one_dossier(citizen_client, citizen, draft, documents):
    complete(citizen_client, draft, documents)
    first = citizen_client.post(f"/nop-ho-so/{draft.pk}/nop/")
    second = citizen_client.post(f"/nop-ho-so/{draft.pk}/nop/")
    assert first["Location"] == second["Location"]
    assert Dossier.objects.count() == 1
    assert DossierDocument.objects.count() == 2
    # The service itself returns the same dossier for a stale copy of the draft.
    stale = Draft.objects.get(pk=draft.pk)
    stale.dossier = None
    assert draft_submit(draft=stale, user=citizen).pk == Dossier.objects.get().pk
    assert Dossier.objects.count() == 1
    assert Dossier.objects.get().events.count() == 1


def test_a_submitted_draft_can_no_longer_change(citizen_client, draft, documents):
    complete(citizen_client, draft, documents)
    citizen_client.post(f"/nop-ho-so/{draft.pk}/nop/")
    code = Dossier.objects.get().code
    response = citizen_client.post(f"/nop-ho-so/{draft.pk}/", {**FORM, "name": "Khác"})
    assert response["Location"] == f"/ho-so/{code}/"
    assert Dossier.objects.get().applicant_name == FORM["name"]


def test_an_incomplete_draft_is_not_submitted_and_says_what_is_missing(
    citizen_client, draft, documents
):
    citizen_client.post(
        f"/nop-ho-so/{draft.pk}/", {**FORM, **upload(documents[0], "to-khai.pdf", PDF)}
    )
    review = citizen_client.get(f"/nop-ho-so/{draft.pk}/xem-lai/")
    assert "Còn thiếu" in review.text
    assert "Giấy chứng sinh" in review.text
    response = citizen_client.post(f"/nop-ho-so/{draft.pk}/nop/")
    assert response.status_code == 400
    assert "Hồ sơ còn thiếu: Giấy chứng sinh." in response.text
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "chỉ nhận PDF, JPEG hoặc PNG"),
        ("don.docx", b"PK\x03\x04", "chỉ nhận PDF, JPEG hoặc PNG"),
        ("gia-mao.pdf", PNG, "không đúng định dạng PDF"),
        ("anh.png", PDF, "không đúng định dạng PNG"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_a_refused_file_gets_a_clear_message_and_nothing_is_stored(
    citizen_client, draft, documents, media, name, content, message
):
    before = dict(draft.form_data)
    response = citizen_client.post(
        f"/nop-ho-so/{draft.pk}/", {**FORM, **upload(documents[0], name, content)}
    )
    assert response.status_code == 400
    assert name in response.text
    assert message in response.text
    assert "Chưa lưu gì cả" in response.text
    assert not DraftFile.objects.exists()
    assert stored_files(media) == []
    draft.refresh_from_db()
    assert draft.form_data == before


def test_an_oversized_file_is_refused_and_nothing_is_stored(
    citizen_client, draft, documents, media, settings
):
    settings.MOTCUA_MAX_UPLOAD_BYTES = 1024 * 1024
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024)
    response = citizen_client.post(
        f"/nop-ho-so/{draft.pk}/", {**FORM, **upload(documents[0], "ban-scan.pdf", big)}
    )
    assert response.status_code == 400
    assert "ban-scan.pdf" in response.text
    assert "vượt quá dung lượng cho phép (1 MB)" in response.text
    assert not DraftFile.objects.exists()
    assert stored_files(media) == []


def test_one_bad_file_among_good_ones_stores_none_of_them(citizen_client, draft, documents, media):
    response = citizen_client.post(
        f"/nop-ho-so/{draft.pk}/",
        {
            **FORM,
            **upload(documents[0], "to-khai.pdf", PDF),
            **upload(documents[1], "chung-sinh.jpg", PDF),
        },
    )
    assert response.status_code == 400
    assert "chung-sinh.jpg" in response.text
    assert not DraftFile.objects.exists()
    assert stored_files(media) == []


def test_the_refusal_is_in_english_for_an_english_page(citizen_client, draft, documents):
    citizen_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = citizen_client.post(
        f"/nop-ho-so/{draft.pk}/", {**FORM, **upload(documents[0], "virus.exe", b"MZ")}
    )
    assert "File &#x27;virus.exe&#x27; is not accepted: only PDF, JPEG or PNG." in response.text


def test_a_file_can_be_removed_and_a_draft_deleted(citizen_client, draft, documents, media):
    citizen_client.post(f"/nop-ho-so/{draft.pk}/", upload(documents[0], "to-khai.pdf", PDF))
    row = DraftFile.objects.get()
    citizen_client.post(f"/nop-ho-so/{draft.pk}/tep/{row.pk}/xoa/")
    assert not DraftFile.objects.exists()
    citizen_client.post(f"/nop-ho-so/{draft.pk}/xoa/")
    assert not Draft.objects.exists()


def test_someone_elses_draft_is_not_found(draft, documents, staff):
    other = Client()
    other.force_login(User.objects.create_user("nguoikhac", password=None))
    assert other.get(f"/nop-ho-so/{draft.pk}/").status_code == 404
    assert other.post(f"/nop-ho-so/{draft.pk}/nop/").status_code == 404
    officer = Client()
    officer.force_login(staff.counter_a)
    assert officer.get(f"/nop-ho-so/{draft.pk}/xem-lai/").status_code == 404


def test_a_digital_helper_submits_for_a_citizen_recorded_as_assisted(
    helper, staff, documents, clock
):
    client = Client()
    client.force_login(helper)
    page = client.get("/thu-tuc/1.001193/nop/", {"tinh": staff.province.pk})
    assert "Tổ công nghệ số cộng đồng" in page.text
    client.post(
        "/thu-tuc/1.001193/nop/",
        {"tinh": staff.province.pk, "co_quan": staff.agency_a.pk, "ho_tro": "1"},
    )
    draft = Draft.objects.get()
    assert draft.assisted
    assert draft.form_data == {}  # the helper's own details are not prefilled
    complete(client, draft, documents)
    client.post(f"/nop-ho-so/{draft.pk}/nop/")
    dossier = Dossier.objects.get()
    assert dossier.channel == Channel.ASSISTED
    assert dossier.owner is None
    assert dossier.submitted_by == helper
    assert dossier.events.get().actor == helper
    # The helper follows what they submitted.
    assert dossier.code in client.get("/ho-so/").text


def test_a_citizen_cannot_claim_to_be_a_helper(citizen_client, staff, documents):
    citizen_client.post(
        "/thu-tuc/1.001193/nop/",
        {"tinh": staff.province.pk, "co_quan": staff.agency_a.pk, "ho_tro": "1"},
    )
    assert Draft.objects.get().assisted is False


def test_a_helper_outside_the_receiving_unit_is_refused(helper, staff, documents, clock):
    client = Client()
    client.force_login(helper)
    client.post(
        "/thu-tuc/1.001193/nop/",
        {"tinh": staff.province.pk, "co_quan": staff.agency_b.pk, "ho_tro": "1"},
    )
    draft = Draft.objects.get()
    complete(client, draft, documents)
    response = client.post(f"/nop-ho-so/{draft.pk}/nop/")
    assert response.status_code == 400
    assert "Vai trò của bạn không được thực hiện thao tác này" in response.text
    assert not Dossier.objects.exists()
    assert DraftFile.objects.count() == 2  # the draft keeps its files


def test_my_dossiers_lists_drafts_and_dossiers_in_few_queries(
    citizen_client, citizen, submit, staff, documents, django_assert_max_num_queries
):
    for _ in range(5):
        submit(channel=Channel.ONLINE, user=citizen, owner=citizen)
    submit()  # a counter dossier of someone else
    with django_assert_max_num_queries(8):
        response = citizen_client.get("/ho-so/")
    assert response.text.count("/ho-so/000.01.30.H57-") == 5


def test_drafts_left_alone_for_long_are_pruned_with_their_files(
    citizen_client, draft, documents, media, clock
):
    from django.core.management import call_command

    from tests.dossiers.conftest import at

    citizen_client.post(f"/nop-ho-so/{draft.pk}/", upload(documents[0], "to-khai.pdf", PDF))
    assert len(stored_files(media)) == 1
    clock.move_to(at(2026, 5, 1, 9, 0))
    call_command("prune_drafts", "--days", "90")
    assert Draft.objects.exists()  # 53 days: kept
    clock.move_to(at(2026, 6, 9, 9, 0))
    call_command("prune_drafts", "--days", "90")
    assert not Draft.objects.exists()
    assert stored_files(media) == []
