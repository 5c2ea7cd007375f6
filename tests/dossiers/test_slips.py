"""Slips are rendered after commit by the background task and stored with the dossier."""

import io
import unicodedata

import pytest
from pypdf import PdfReader

from motcua.dossiers import services as s
from motcua.dossiers.errors import Refused
from motcua.dossiers.models import Slip, SlipKind
from motcua.dossiers.public import status_token_valid, status_url
from tests.dossiers.conftest import APPLICANT, PDF


def text_of(slip: Slip) -> str:
    with slip.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))


def test_receipt_slip_is_generated_after_commit_with_the_applicants_name(
    submit, staff, clock, django_capture_on_commit_callbacks
):
    d = submit()
    with django_capture_on_commit_callbacks(execute=True):
        d = s.dossier_receive(dossier=d, user=staff.counter_a)
    slip = Slip.objects.get(dossier=d, kind=SlipKind.RECEIPT)
    text = text_of(slip)
    assert APPLICANT.name in text
    assert d.code in text
    assert "12/03/2026" in text  # the appointment


def test_no_slip_when_the_action_is_refused(
    submit, staff, clock, django_capture_on_commit_callbacks
):
    d = submit()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Refused):
        s.dossier_refuse(dossier=d, user=staff.counter_a, reason="")
    assert callbacks == []
    assert not Slip.objects.exists()


def test_every_slip_kind_carries_the_name(submit, staff, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        refused = s.dossier_refuse(dossier=submit(), user=staff.counter_a, reason="Sai thẩm quyền")
        d = submit()
        d = s.dossier_request_supplement(
            dossier=d, user=staff.counter_a, items=[{"name": "Tờ khai", "reason": "thiếu chữ ký"}]
        )
        d = s.dossier_complete_supplement(dossier=d, user=staff.counter_a)
        d = s.dossier_receive(dossier=d, user=staff.counter_a)
        d = s.step_assign(dossier=d, user=staff.counter_a, assignee=staff.specialist_a)
        d = s.dossier_apologize(
            dossier=d,
            user=staff.leader_a,
            reason="Chờ xác minh",
            new_due_at=d.due_at.replace(day=d.due_at.day + 4),
        )
        d = s.dossier_propose_result(
            dossier=d, user=staff.specialist_a, file_name="kq.pdf", content=PDF
        )
        d = s.dossier_approve(dossier=d, user=staff.leader_a)
        d = s.dossier_mark_result_ready(dossier=d, user=staff.counter_a)
        d = s.dossier_return(dossier=d, user=staff.counter_a)
    kinds = set(Slip.objects.filter(dossier=d).values_list("kind", flat=True))
    assert kinds == {SlipKind.SUPPLEMENT, SlipKind.RECEIPT, SlipKind.APOLOGY, SlipKind.CONTROL}
    assert Slip.objects.get(dossier=refused).kind == SlipKind.REFUSAL
    for slip in Slip.objects.all():
        assert APPLICANT.name in text_of(slip), slip.kind
    control = text_of(Slip.objects.get(dossier=d, kind=SlipKind.CONTROL))
    assert "Thẩm định" in control


def test_the_status_link_carries_a_token_only_the_server_can_make(submit, clock, staff):
    d = submit()
    url = status_url(d.code)
    token = url.rsplit("k=", 1)[1]
    assert status_token_valid(d.code, token)
    assert not status_token_valid(d.code, "0" * 16)
    assert not status_token_valid("000.01.30.H57-260309-0002", token)
