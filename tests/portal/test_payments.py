"""Online fee payment through the provider interface, with the sandbox provider."""

import re

import pytest
from django.test import Client

from motcua.dossiers.errors import Refused
from motcua.dossiers.models import Channel, Dossier
from motcua.portal import payments
from motcua.portal.models import Payment, PaymentStatus


@pytest.fixture
def fee_dossier(submit, staff, procedure, citizen):
    procedure.fee_vnd = 8000
    procedure.save()
    return submit(channel=Channel.ONLINE, user=citizen, owner=citizen)


def pay(client, dossier, outcome="paid"):
    start = client.post(f"/ho-so/{dossier.code}/thanh-toan/")
    assert start.status_code == 302, start
    page = client.get(start["Location"])
    assert page.status_code == 200
    assert "8.000 đ" in page.text
    form = re.search(
        r'name="reference" value="([^"]+)">.*?value="' + outcome + r'">'
        r'<input type="hidden" name="signature" value="([^"]+)"',
        page.text,
        re.S,
    )
    reference, signature = form.groups()
    return client.post(
        "/thanh-toan/ket-qua/",
        {"reference": reference, "outcome": outcome, "signature": signature},
    )


def test_the_sandbox_records_an_online_payment_and_marks_the_fee_paid(
    citizen_client, fee_dossier, sandbox
):
    page = citizen_client.get(f"/ho-so/{fee_dossier.code}/")
    assert "Thanh toán trực tuyến" in page.text
    done = pay(citizen_client, fee_dossier)
    assert done["Location"] == f"/ho-so/{fee_dossier.code}/"
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PAID
    assert payment.amount_vnd == 8000
    assert payment.provider == "sandbox"
    assert payment.paid_at is not None
    assert list(payment.events.values_list("action", flat=True)) == ["start", "paid"]
    assert Dossier.objects.get().fee_paid_online is True
    after = citizen_client.get(f"/ho-so/{fee_dossier.code}/").text
    assert "đã thanh toán trực tuyến" in after
    assert "Thanh toán trực tuyến</button>" not in after


def test_a_fee_is_paid_once(citizen_client, fee_dossier, sandbox):
    pay(citizen_client, fee_dossier)
    again = citizen_client.post(f"/ho-so/{fee_dossier.code}/thanh-toan/")
    assert again["Location"] == f"/ho-so/{fee_dossier.code}/"
    assert Payment.objects.count() == 1
    with pytest.raises(Refused) as error:
        payments.payment_open(dossier=fee_dossier, amount=8000, provider="sandbox")
    assert error.value.code == "payment_already_made"


def test_a_repeated_confirmation_records_nothing_more(citizen_client, fee_dossier, sandbox):
    pay(citizen_client, fee_dossier)
    payment = Payment.objects.get()
    again = payments.payment_mark_paid(provider="sandbox", reference=payment.reference, amount=8000)
    assert again.pk == payment.pk
    assert payment.events.count() == 2


def test_a_cancelled_payment_leaves_the_fee_unpaid(citizen_client, fee_dossier, sandbox):
    pay(citizen_client, fee_dossier, outcome="cancelled")
    assert Payment.objects.get().status == PaymentStatus.CANCELLED
    assert Dossier.objects.get().fee_paid_online is False


def test_a_forged_confirmation_is_refused(citizen_client, fee_dossier, sandbox):
    citizen_client.post(f"/ho-so/{fee_dossier.code}/thanh-toan/")
    payment = Payment.objects.get()
    response = citizen_client.post(
        "/thanh-toan/ket-qua/",
        {"reference": payment.reference, "outcome": "paid", "signature": "forged"},
        follow=True,
    )
    assert "Phản hồi của cổng thanh toán không hợp lệ." in response.text
    assert Payment.objects.get().status == PaymentStatus.PENDING
    assert Dossier.objects.get().fee_paid_online is False


def test_the_amount_must_be_the_dossiers_fee(fee_dossier):
    with pytest.raises(Refused) as error:
        payments.payment_open(dossier=fee_dossier, amount=1000, provider="sandbox")
    assert error.value.code == "payment_amount"


def test_only_the_owner_pays(fee_dossier, staff, sandbox):
    other = Client()
    other.force_login(staff.counter_b)
    assert other.post(f"/ho-so/{fee_dossier.code}/thanh-toan/").status_code == 404
    assert not Payment.objects.exists()


def test_without_a_provider_there_is_no_online_payment(citizen_client, fee_dossier, settings):
    settings.MOTCUA_PAYMENT_PROVIDER = ""
    settings.DEMO = settings.DEBUG = False
    assert payments.payment_provider() is None
    assert (
        "Thanh toán trực tuyến</button>"
        not in citizen_client.get(f"/ho-so/{fee_dossier.code}/").text
    )
    response = citizen_client.post(f"/ho-so/{fee_dossier.code}/thanh-toan/", follow=True)
    assert "Chưa hỗ trợ thanh toán trực tuyến" in response.text


def test_the_sandbox_is_the_default_in_demo_mode_only(settings):
    settings.MOTCUA_PAYMENT_PROVIDER = ""
    settings.DEMO, settings.DEBUG = True, False
    assert isinstance(payments.payment_provider(), payments.SandboxProvider)
    settings.DEMO = False
    assert payments.payment_provider() is None
