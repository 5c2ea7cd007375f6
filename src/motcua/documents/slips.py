"""What goes on the one-stop slips of Circular 01/2018/TT-VPCP (art. 9-10, forms 01-05).

Plain frozen dataclasses, filled by the caller (a service or a background task) from the
dossier: this package imports nothing from Django, so a slip can be rendered and tested
alone. Labels (channel, paper form, timeliness) arrive already in Vietnamese: the apps own
their choices and their wording, the slips only print them.

Moments must be aware datetimes; they are printed in Asia/Ho_Chi_Minh.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from motcua.documents import layouts


def _require_aware(**moments: datetime) -> None:
    for name, moment in moments.items():
        if not isinstance(moment, datetime):
            raise TypeError(f"{name} must be a datetime, got {type(moment).__name__}")
        if moment.tzinfo is None or moment.utcoffset() is None:
            # A naive time on a legal document could be off by seven hours; refuse it.
            raise ValueError(f"{name} must be an aware datetime, got naive {moment!r}")


def _require_text(**values: str) -> None:
    for name, value in values.items():
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty string")


def _require_tuple(**values: tuple) -> None:
    for name, value in values.items():
        if not isinstance(value, tuple):
            # Frozen means frozen: a list could still be changed after validation.
            raise TypeError(f"{name} must be a tuple, got {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class Applicant:
    """The person or organisation who filed the dossier. Only the name is required: an
    organisation has no personal ID, a walk-in may give no phone."""

    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""

    def __post_init__(self) -> None:
        _require_text(name=self.name)


@dataclass(frozen=True, slots=True)
class SlipHeader:
    """What every slip carries: who issues it, for which dossier, and where to look it up."""

    agency_name: str
    agency_parent_name: str
    dossier_code: str
    procedure_name: str
    applicant: Applicant
    status_url: str
    issued_at: datetime
    officer_name: str

    def __post_init__(self) -> None:
        _require_text(
            agency_name=self.agency_name,
            dossier_code=self.dossier_code,
            procedure_name=self.procedure_name,
            status_url=self.status_url,
        )
        _require_aware(issued_at=self.issued_at)
        if urlsplit(self.status_url).scheme not in ("http", "https"):
            raise ValueError(f"status_url must be an http(s) URL, got {self.status_url!r}")


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """One paper of the dossier, as listed on the receipt: ``form_label`` says whether it is
    an original or a copy ("Bản chính", "Bản sao", "Bản sao có chứng thực")."""

    name: str
    form_label: str
    count: int = 1

    def __post_init__(self) -> None:
        _require_text(name=self.name)
        if self.count < 1:
            raise ValueError(f"count must be at least 1, got {self.count}")


@dataclass(frozen=True, slots=True)
class ReceiptSlip:
    """Form 01, GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ: the dossier is complete and
    accepted; the applicant is told when and where to collect the result."""

    header: SlipHeader
    documents: tuple[DocumentLine, ...]
    received_at: datetime
    due_at: datetime
    channel_label: str
    result_place: str

    def __post_init__(self) -> None:
        _require_tuple(documents=self.documents)
        _require_aware(received_at=self.received_at, due_at=self.due_at)
        if self.due_at < self.received_at:
            raise ValueError("the appointment cannot precede the receipt")


@dataclass(frozen=True, slots=True)
class SupplementItem:
    """One thing to add or correct, and why (the legal requirement it misses)."""

    name: str
    reason: str = ""

    def __post_init__(self) -> None:
        _require_text(name=self.name)


@dataclass(frozen=True, slots=True)
class SupplementSlip:
    """Form 02, PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ. Decree 61/2018 art. 15 wants the
    guidance given once and complete, so every item is on one slip."""

    header: SlipHeader
    items: tuple[SupplementItem, ...]
    guidance: str

    def __post_init__(self) -> None:
        _require_tuple(items=self.items)
        if not self.items:
            raise ValueError("a supplement request must name at least one item")


@dataclass(frozen=True, slots=True)
class RefusalSlip:
    """Form 03, PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ: a refusal states its reasons."""

    header: SlipHeader
    reasons: tuple[str, ...]

    def __post_init__(self) -> None:
        _require_tuple(reasons=self.reasons)
        if not any(reason.strip() for reason in self.reasons):
            raise ValueError("a refusal must state at least one reason")


@dataclass(frozen=True, slots=True)
class ApologySlip:
    """Form 04, PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ, signed by the head of the agency.
    Decree 61/2018 art. 19.9: sent before the due date, with the reason and a new date."""

    header: SlipHeader
    original_due_at: datetime
    new_due_at: datetime
    reason: str
    signer_name: str

    def __post_init__(self) -> None:
        _require_aware(original_due_at=self.original_due_at, new_due_at=self.new_due_at)
        _require_text(reason=self.reason, signer_name=self.signer_name)
        if self.new_due_at <= self.original_due_at:
            raise ValueError("the new appointment must come after the original one")


@dataclass(frozen=True, slots=True)
class ControlRow:
    """One hand-over of the dossier. ``outcome_label`` is "Trước hạn", "Đúng hạn" or
    "Quá hạn" once the step is done, empty while it is under way."""

    from_label: str
    to_label: str
    handed_at: datetime
    due_at: datetime | None = None
    outcome_label: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        _require_text(from_label=self.from_label, to_label=self.to_label)
        _require_aware(handed_at=self.handed_at)
        if self.due_at is not None:
            _require_aware(due_at=self.due_at)


@dataclass(frozen=True, slots=True)
class ControlSlip:
    """Form 05, PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ: travels with the dossier, one
    row per hand-over, so anyone can see where time was spent."""

    header: SlipHeader
    rows: tuple[ControlRow, ...]
    received_at: datetime
    due_at: datetime

    def __post_init__(self) -> None:
        _require_tuple(rows=self.rows)
        _require_aware(received_at=self.received_at, due_at=self.due_at)


type Slip = ReceiptSlip | SupplementSlip | RefusalSlip | ApologySlip | ControlSlip

_LAYOUTS: dict[type, Callable[..., bytes]] = {
    ReceiptSlip: layouts.receipt,
    SupplementSlip: layouts.supplement,
    RefusalSlip: layouts.refusal,
    ApologySlip: layouts.apology,
    ControlSlip: layouts.control,
}


def render(slip: Slip) -> bytes:
    """The slip as an A5 portrait PDF with its font embedded.

    The same slip always gives the same bytes (the PDF's dates come from ``issued_at``), so
    a stored copy can be checked against a re-rendering.
    """
    try:
        layout = _LAYOUTS[type(slip)]
    except KeyError:
        raise TypeError(f"not a slip: {type(slip).__name__}") from None
    return layout(slip)
