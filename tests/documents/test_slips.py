"""The slip dataclasses refuse what would print a wrong or empty legal document."""

import dataclasses
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from motcua.documents import (
    Applicant,
    ControlRow,
    DocumentLine,
    ReceiptSlip,
    RefusalSlip,
    SupplementSlip,
    render,
)
from tests.documents import support

ROOT = Path(__file__).resolve().parents[2]


def test_a_naive_datetime_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="aware"):
        support.header(issued_at=datetime(2023, 10, 27, 8, 15))


def test_an_appointment_before_the_receipt_is_refused():
    with pytest.raises(ValueError, match="appointment"):
        dataclasses.replace(support.receipt(), due_at=support.RECEIVED_AT - timedelta(days=1))


def test_the_new_appointment_of_an_apology_must_come_after_the_original():
    with pytest.raises(ValueError, match="after the original"):
        dataclasses.replace(support.apology(), new_due_at=support.DUE_AT)


def test_an_apology_without_a_reason_is_refused():
    with pytest.raises(ValueError, match="reason"):
        dataclasses.replace(support.apology(), reason="  ")


def test_a_refusal_without_a_reason_is_refused():
    with pytest.raises(ValueError, match="reason"):
        RefusalSlip(header=support.header(), reasons=("",))


def test_a_supplement_request_must_name_something_to_supplement():
    with pytest.raises(ValueError, match="at least one item"):
        SupplementSlip(header=support.header(), items=(), guidance="")


def test_a_list_is_refused_where_a_frozen_slip_needs_a_tuple():
    with pytest.raises(TypeError, match="tuple"):
        RefusalSlip(header=support.header(), reasons=["Không thuộc thẩm quyền."])


def test_the_applicant_needs_a_name():
    with pytest.raises(ValueError, match="name"):
        Applicant(name=" ")


def test_the_status_url_must_be_a_web_address():
    with pytest.raises(ValueError, match="status_url"):
        support.header(status_url="javascript:alert(1)")


def test_a_paper_is_counted_at_least_once():
    with pytest.raises(ValueError, match="count"):
        DocumentLine("Giấy chứng sinh", "Bản chính", 0)


def test_a_hand_over_needs_an_aware_moment():
    with pytest.raises(ValueError, match="aware"):
        ControlRow("Một cửa", "Chuyên viên", handed_at=datetime(2023, 10, 27, 9, 0))


def test_slips_are_frozen():
    slip = support.refusal()
    with pytest.raises(dataclasses.FrozenInstanceError):
        slip.reasons = ()  # type: ignore[misc]


def test_render_refuses_what_is_not_a_slip():
    with pytest.raises(TypeError, match="not a slip"):
        render(support.header())  # type: ignore[arg-type]


def test_a_receipt_without_a_paper_list_still_renders():
    # Same-time procedures may need no list (RULES.md, Dossier lifecycle).
    slip = ReceiptSlip(
        header=support.header(),
        documents=(),
        received_at=support.RECEIVED_AT,
        due_at=support.RECEIVED_AT,
        channel_label="Trực tuyến",
        result_place="Nhận qua Cổng dịch vụ công",
    )
    assert render(slip).startswith(b"%PDF-")


def test_rendering_imports_nothing_from_django():
    # A background task or a script may render slips without Django being set up.
    script = (
        "import sys\n"
        "from motcua.documents import render\n"
        "from tests.documents import support\n"
        "render(support.receipt())\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)
