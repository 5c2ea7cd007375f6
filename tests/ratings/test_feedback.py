"""Feedback and petitions: deadlines on the working calendar (RULES.md: refuse ≤ 2 working
days, supplement ≤ 5, resolve ≤ 15, publish ≤ 2) and an answer."""

import re

import pytest
from django.contrib import admin
from django.test import Client

from motcua.dossiers.errors import DossierError
from motcua.portal import ratelimit
from motcua.portal.models import Payment
from motcua.ratings.models import Feedback, FeedbackChannel, FeedbackState, Rating, Review
from motcua.ratings.services import (
    Author,
    feedback_answer,
    feedback_on_time,
    feedback_publish,
    feedback_reject,
    feedback_request_supplement,
    feedback_submit,
    feedback_token,
)
from tests.dossiers.conftest import at

TEXT = "Cán bộ hướng dẫn chưa rõ, tôi phải đi lại ba lần mới xong hồ sơ."


@pytest.fixture
def about_dossier(submit, staff, clock):
    dossier = submit()
    return feedback_submit(
        kind="conduct",
        subject="Đi lại nhiều lần",
        content=TEXT,
        author=Author(name="Trần Văn Bình", phone="0987654321"),
        dossier_code=dossier.code,
    )


def test_deadlines_are_counted_in_working_days_from_receipt(about_dossier):
    f = about_dossier
    assert f.received_at == at(2026, 3, 9, 9, 0)  # a Monday
    assert f.reject_due_at == at(2026, 3, 11, 9, 0)  # 2 working days
    assert f.supplement_due_at == at(2026, 3, 16, 9, 0)  # 5: over the weekend
    assert f.resolve_due_at == at(2026, 3, 30, 9, 0)  # 15
    assert f.publish_due_at is None
    assert re.fullmatch(r"PA-260309-[A-Z2-9]{6}", f.reference)


def test_deadlines_skip_public_holidays(staff, clock):
    # Thursday 23 April 2026: Hùng Kings (Monday 27/4) and 30/4–1/5 are days off.
    clock.move_to(at(2026, 4, 23, 9, 0))
    f = feedback_submit(kind="petition", subject="", content=TEXT, province=staff.province)
    assert f.reject_due_at == at(2026, 4, 28, 9, 0)
    assert f.supplement_due_at == at(2026, 5, 5, 9, 0)  # 24, 28, 29 April, 4 and 5 May


def test_a_dossier_code_ties_the_feedback_to_the_competent_agency(about_dossier, staff):
    assert about_dossier.agency == staff.agency_a
    assert about_dossier.province == staff.province
    assert about_dossier.dossier is not None


def test_an_unknown_dossier_code_is_kept_in_the_text_only(staff, clock):
    f = feedback_submit(kind="conduct", subject="", content=TEXT, dossier_code="KHONG-CO-MA")
    assert f.dossier is None and f.agency is None
    assert "[Mã hồ sơ: KHONG-CO-MA]" in f.content


def test_the_web_form_sends_feedback_and_gives_a_follow_up_link(client, staff, procedure, clock):
    page = client.get("/phan-anh/", {"thu_tuc": procedure.code})
    assert "Đăng ký khai sinh" in page.text
    response = client.post(
        "/phan-anh/",
        {
            "thu_tuc": procedure.code,
            "kind": "procedure",
            "province": staff.province.pk,
            "subject": "Thủ tục chưa rõ",
            "content": TEXT,
            "name": "Trần Văn Bình",
            "phone": "0987654321",
        },
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.procedure == procedure
    assert feedback.province == staff.province
    assert feedback.channel == FeedbackChannel.WEB
    assert feedback.author_phone == "0987654321"
    detail = client.get(response["Location"])
    assert feedback.reference in detail.text
    assert "30/03/2026" in detail.text  # the answer is due
    assert "Lưu liên kết này" in detail.text
    assert client.get(f"/phan-anh/{feedback.reference}/?k=wrong").status_code == 404
    assert client.get(f"/phan-anh/{feedback.reference}/").status_code == 404


def test_the_form_refuses_an_empty_message(client, units):
    response = client.post("/phan-anh/", {"kind": "conduct", "content": "ngắn"})
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_the_form_stops_a_flood_from_one_address(client, units, clock):
    for _ in range(ratelimit.FEEDBACK_PER_CLIENT.attempts):
        ratelimit.FEEDBACK_PER_CLIENT.hit("127.0.0.1")
    response = client.post("/phan-anh/", {"kind": "conduct", "content": TEXT})
    assert response.status_code == 429
    assert not Feedback.objects.exists()


def test_an_officer_of_the_agency_answers_on_time_and_publishes(about_dossier, staff, clock):
    clock.move_to(at(2026, 3, 20, 10, 0))
    f = feedback_answer(feedback=about_dossier, user=staff.counter_a, answer="Đã chấn chỉnh.")
    assert f.state == FeedbackState.ANSWERED
    assert f.answered_by == staff.counter_a
    assert f.publish_due_at == at(2026, 3, 24, 10, 0)
    f = feedback_publish(feedback=f, user=staff.counter_a)
    assert f.state == FeedbackState.PUBLISHED
    assert feedback_on_time(f) is True
    assert list(f.events.values_list("action", "on_time")) == [
        ("submit", None),
        ("answer", True),
        ("publish", True),
    ]


def test_a_late_answer_is_recorded_as_late(about_dossier, staff, clock):
    clock.move_to(at(2026, 3, 31, 9, 0))
    f = feedback_answer(feedback=about_dossier, user=staff.counter_a, answer="Trả lời muộn.")
    assert feedback_on_time(f) is False


def test_officers_of_other_units_cannot_answer(about_dossier, staff):
    for outsider in (staff.counter_b, staff.outsider, staff.citizen):
        with pytest.raises(DossierError) as error:
            feedback_answer(feedback=about_dossier, user=outsider, answer="Không phải việc tôi")
        assert error.value.status == 404
    # A provincial officer reaches the commune's feedback.
    feedback_answer(feedback=about_dossier, user=staff.provincial_leader, answer="Đã xử lý.")


def test_more_information_restarts_the_fifteen_days(client, about_dossier, staff, clock):
    clock.move_to(at(2026, 3, 10, 9, 0))
    f = feedback_request_supplement(
        feedback=about_dossier, user=staff.counter_a, question="Bạn làm việc với cán bộ nào?"
    )
    assert f.state == FeedbackState.SUPPLEMENT_REQUESTED
    clock.move_to(at(2026, 3, 12, 9, 0))
    link = f"/phan-anh/{f.reference}/?k={feedback_token(f)}"
    assert "Bạn làm việc với cán bộ nào?" in client.get(link).text
    client.post(link, {"text": "Cán bộ ở quầy số 2."})
    f.refresh_from_db()
    assert f.state == FeedbackState.RECEIVED
    assert f.supplement_text == "Cán bộ ở quầy số 2."
    assert f.resolve_due_at == at(2026, 4, 2, 9, 0)


def test_feedback_outside_the_rules_is_rejected_with_a_reason(about_dossier, staff, clock):
    with pytest.raises(DossierError):
        feedback_reject(feedback=about_dossier, user=staff.counter_a, reason="")
    f = feedback_reject(
        feedback=about_dossier, user=staff.counter_a, reason="Không thuộc thẩm quyền"
    )
    assert f.state == FeedbackState.REJECTED
    assert feedback_on_time(f) is True
    with pytest.raises(DossierError):
        feedback_answer(feedback=f, user=staff.counter_a, answer="Quá muộn")


def test_everything_is_in_the_admin(units):
    for model in (Feedback, Rating, Review, Payment):
        assert admin.site.is_registered(model)


def test_an_administrator_answers_in_the_admin_through_the_service(about_dossier, staff, clock):
    from motcua.units.models import User

    root = User.objects.create_superuser("root", password=None)
    client = Client()
    client.force_login(root)
    url = f"/admin/ratings/feedback/{about_dossier.pk}/change/"
    assert client.get(url).status_code == 200
    event = about_dossier.events.get()
    inline = {
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "1",
        "events-0-id": str(event.pk),
        "events-0-feedback": str(about_dossier.pk),
    }
    response = client.post(url, {"answer": "Đã trả lời qua quản trị.", "publish": "on", **inline})
    assert response.status_code == 302
    f = Feedback.objects.get()
    assert f.state == FeedbackState.PUBLISHED
    assert f.answered_by == root
    # An officer of another commune does not see it in the admin list.
    assert about_dossier in Feedback.objects.visible_to(staff.counter_a)
    assert about_dossier not in Feedback.objects.visible_to(staff.counter_b)
