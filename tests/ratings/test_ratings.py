"""The one-click rating link: no login, valid for a fixed period, single use; a negative
rating opens a review for the head of the competent agency."""

import datetime as dt

import pytest
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from motcua.dossiers.errors import Forbidden, Refused
from motcua.ratings.models import Rating, Review, ReviewState
from motcua.ratings.services import (
    RATING_LINK_DAYS,
    rating_submit,
    rating_token,
    rating_url,
    review_resolve,
)
from tests.portal.support import run_to_returned

GOOD = {"time": "2", "contacts": "2", "bodies": "2", "attitude": "2", "satisfaction": "5"}


@pytest.fixture
def returned(submit, staff):
    return run_to_returned(submit(), staff)


def path(dossier) -> str:
    return reverse("ratings:rate", args=[rating_token(dossier)])


def test_the_link_opens_the_form_without_login(client, returned):
    assert rating_url(returned).startswith("http://127.0.0.1:8000/danh-gia/")
    response = client.get(path(returned))
    assert response.status_code == 200
    text = response.text
    assert returned.code in text
    assert "Bạn nhận kết quả khi nào?" in text
    assert "Bạn phải đến hoặc liên hệ bao nhiêu lần để hoàn thiện hồ sơ?" in text
    assert "Bạn phải liên hệ với bao nhiêu cơ quan, đơn vị?" in text
    assert "Thái độ của cán bộ, công chức thế nào?" in text
    assert "Nguyễn Thị Ngọc Ánh" not in text


def test_a_good_rating_is_recorded_once(client, returned):
    response = client.post(path(returned), {**GOOD, "comment": "Nhanh, gọn"})
    assert response.status_code == 200
    assert "Cảm ơn bạn! Đánh giá đã được ghi nhận." in response.text
    rating = Rating.objects.get()
    assert (rating.time, rating.contacts, rating.bodies, rating.attitude) == (2, 2, 2, 2)
    assert rating.satisfaction == 5
    assert rating.comment == "Nhanh, gọn"
    assert rating.agency == returned.competent_agency
    assert not Review.objects.exists()
    again = client.post(path(returned), {**GOOD, "attitude": "0"})
    assert "Hồ sơ này đã được đánh giá" in again.text
    assert Rating.objects.count() == 1
    assert Rating.objects.get().attitude == 2


def test_single_use_holds_in_the_database_when_two_clicks_race(returned):
    rating_submit(token=rating_token(returned), time=2, contacts=2, bodies=2, attitude=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            dossier=returned,
            agency=returned.competent_agency,
            time=1,
            contacts=1,
            bodies=1,
            attitude=1,
        )


@pytest.mark.parametrize(
    ("change", "reasons"),
    [
        ({"attitude": "0"}, ["attitude"]),
        ({"contacts": "0", "bodies": "0"}, ["contacts", "bodies"]),
        ({"satisfaction": "2"}, ["satisfaction"]),
    ],
)
def test_a_negative_rating_opens_a_review_for_the_agency_head(client, returned, change, reasons):
    response = client.post(path(returned), {**GOOD, **change})
    assert "Lãnh đạo cơ quan sẽ xem xét" in response.text
    review = Review.objects.get()
    assert review.agency == returned.competent_agency
    assert review.dossier == returned
    assert review.reasons == reasons
    assert review.state == ReviewState.OPEN


def test_satisfaction_is_optional_and_every_criterion_is_required(client, returned):
    missing = client.post(path(returned), {"time": "2", "contacts": "2", "bodies": "2"})
    assert missing.status_code == 400
    assert "Vui lòng chọn một mức cho mỗi tiêu chí." in missing.text
    assert not Rating.objects.exists()
    out_of_range = client.post(path(returned), {**GOOD, "time": "3"})
    assert out_of_range.status_code == 400
    ok = client.post(path(returned), {**GOOD, "satisfaction": ""})
    assert ok.status_code == 200
    assert Rating.objects.get().satisfaction is None


def test_the_link_is_valid_for_a_fixed_period_after_the_return(client, returned, clock):
    link = path(returned)
    clock.move_to(returned.returned_at + dt.timedelta(days=RATING_LINK_DAYS - 1))
    # Shown again later, the link is the same: its period runs from the return.
    assert path(returned) == link
    assert client.get(link).status_code == 200
    clock.move_to(returned.returned_at + dt.timedelta(days=RATING_LINK_DAYS, hours=1))
    expired = client.get(link)
    assert expired.status_code == 410
    assert "Liên kết đánh giá đã hết hạn" in expired.text
    assert client.post(link, GOOD).status_code == 410
    assert not Rating.objects.exists()


def test_a_forged_or_altered_link_is_refused(client, returned, submit):
    token = rating_token(returned)
    assert client.get(f"/danh-gia/{token[:-2]}xx/").status_code == 404
    # Signed by someone without the key, for another dossier.
    forged = signing.TimestampSigner(key="x" * 50, salt="motcua.ratings.link").sign(returned.code)
    assert client.get(f"/danh-gia/{forged}/").status_code == 404
    # A properly signed code of a dossier not yet returned.
    pending = submit()
    early = signing.TimestampSigner(salt="motcua.ratings.link").sign(pending.code)
    assert client.get(f"/danh-gia/{early}/").status_code == 404
    with pytest.raises(Refused):
        rating_token(pending)


def test_the_agency_head_closes_the_review(returned, staff):
    rating_submit(token=rating_token(returned), time=2, contacts=2, bodies=2, attitude=0)
    review = Review.objects.get()
    with pytest.raises(Forbidden):
        review_resolve(review=review, user=staff.counter_a, resolution="Đã nhắc nhở")
    with pytest.raises(Forbidden):
        review_resolve(review=review, user=staff.counter_b, resolution="Đã nhắc nhở")
    with pytest.raises(Refused):
        review_resolve(review=review, user=staff.leader_a, resolution="  ")
    closed = review_resolve(
        review=review, user=staff.leader_a, resolution="Đã làm việc với cán bộ, nhắc nhở."
    )
    assert closed.state == ReviewState.CLOSED
    assert closed.resolved_by == staff.leader_a
    with pytest.raises(Refused):
        review_resolve(review=review, user=staff.leader_a, resolution="Lần hai")
