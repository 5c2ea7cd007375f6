"""Writes of ratings, reviews and feedback (STYLE.md 4): keyword-only, atomic, audited.

Rating links: ``rating_url(dossier)`` is the one-click link sent after the result is
returned. Its token is the dossier code signed with ``TimestampSigner`` at the moment of
return, so the link is valid for ``RATING_LINK_DAYS`` after the return however often it is
shown again; single use is the database's unique key on ``Rating.dossier``.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from motcua.calendar import LimitKind, TimeLimit
from motcua.dossiers.errors import DossierError, Forbidden, Refused
from motcua.dossiers.models import Dossier, State
from motcua.ratings.models import (
    Feedback,
    FeedbackAction,
    FeedbackChannel,
    FeedbackEvent,
    FeedbackKind,
    FeedbackState,
    Rating,
    Review,
    ReviewState,
)
from motcua.units.models import Role, RoleAssignment, Unit
from motcua.workdays.services import calendar_for

RATING_LINK_DAYS = getattr(settings, "MOTCUA_RATING_LINK_DAYS", 30)
_RATING_SALT = "motcua.ratings.link"


# -- rating links -----------------------------------------------------------------------------


class _SignerAt(signing.TimestampSigner):
    """A TimestampSigner whose timestamp is a given moment (the return), not now."""

    def __init__(self, *, at: dt.datetime | None = None, **kwargs):
        super().__init__(**kwargs)
        self._at = at

    def timestamp(self):
        if self._at is None:
            return super().timestamp()
        return signing.b62_encode(int(self._at.timestamp()))


def rating_token(dossier: Dossier) -> str:
    if dossier.returned_at is None:
        raise Refused(
            "not_returned",
            "Hồ sơ chưa trả kết quả nên chưa đánh giá được.",
            "The dossier's result has not been returned yet, so it cannot be rated.",
        )
    return _SignerAt(salt=_RATING_SALT, at=dossier.returned_at).sign(dossier.code)


def rating_path(dossier: Dossier) -> str:
    """The rating page's path, for links on the portal's own pages."""
    from django.urls import reverse

    return reverse("ratings:rate", args=[rating_token(dossier)])


def rating_url(dossier: Dossier) -> str:
    """The full one-click link, for messages sent to the applicant (e-mail, SMS)."""
    return f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}{rating_path(dossier)}"


_LINK_INVALID = (
    "invalid_link",
    "Liên kết đánh giá không hợp lệ.",
    "The rating link is not valid.",
)


def rating_dossier(token: str) -> Dossier:
    """The dossier a rating link is for; refused when forged, expired or already used."""
    try:
        code = signing.TimestampSigner(salt=_RATING_SALT).unsign(
            token, max_age=dt.timedelta(days=RATING_LINK_DAYS)
        )
    except signing.SignatureExpired:
        raise Refused(
            "link_expired",
            f"Liên kết đánh giá đã hết hạn (chỉ dùng được trong {RATING_LINK_DAYS} ngày "
            "sau khi trả kết quả).",
            f"The rating link has expired (it is valid for {RATING_LINK_DAYS} days after "
            "the result is returned).",
        ) from None
    except signing.BadSignature:
        raise Refused(*_LINK_INVALID) from None
    dossier = (
        Dossier.objects.select_related("procedure", "competent_agency")
        .filter(code=code, state=State.RETURNED)
        .first()
    )
    if dossier is None:
        raise Refused(*_LINK_INVALID)
    if Rating.objects.filter(dossier=dossier).exists():
        raise _already_rated()
    return dossier


def _already_rated() -> Refused:
    return Refused(
        "already_rated",
        "Hồ sơ này đã được đánh giá. Cảm ơn bạn!",
        "This dossier has already been rated. Thank you!",
    )


def _score(name: str, value, low: int, high: int, *, optional: bool = False) -> int | None:
    if value in (None, "") and optional:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if not low <= number <= high:
        raise Refused(
            "invalid_rating",
            "Vui lòng chọn một mức cho mỗi tiêu chí.",
            "Please choose one level for each criterion.",
            field=name,
        )
    return number


def rating_submit(
    *,
    token: str,
    time: int,
    contacts: int,
    bodies: int,
    attitude: int,
    satisfaction: int | None = None,
    comment: str = "",
) -> Rating:
    """Record the applicant's rating; a negative one opens a review for the agency head."""
    dossier = rating_dossier(token)
    values = {
        "time": _score("time", time, 0, 2),
        "contacts": _score("contacts", contacts, 0, 2),
        "bodies": _score("bodies", bodies, 0, 2),
        "attitude": _score("attitude", attitude, 0, 2),
        "satisfaction": _score("satisfaction", satisfaction, 1, 5, optional=True),
    }
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                dossier=dossier,
                agency_id=dossier.competent_agency_id,
                comment=(comment or "").strip()[:4000],
                **values,
            )
            if rating.is_negative:
                Review.objects.create(
                    rating=rating,
                    dossier=dossier,
                    agency_id=dossier.competent_agency_id,
                    reasons=rating.low_criteria,
                    opened_at=rating.created_at,
                )
    except IntegrityError:
        # The same link clicked twice at once: the unique key let one through.
        raise _already_rated() from None
    return rating


def _heads(user, agency) -> bool:
    """The head of department or leader of the agency's unit (or of its province)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    unit = agency.unit
    return RoleAssignment.objects.filter(
        user=user,
        role__in=[Role.HEAD_OF_DEPARTMENT, Role.LEADER],
        unit_id__in=[unit.pk, unit.province_id],
    ).exists()


def review_resolve(*, review: Review, user, resolution: str) -> Review:
    """The agency head closes a review with what was found and done."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise Refused(
            "missing_requirement",
            "Vui lòng ghi kết quả xem xét.",
            "Please write what the review found.",
        )
    with transaction.atomic():
        review = (
            Review.objects.select_for_update(of=("self",))
            .select_related("agency")
            .get(pk=review.pk)
        )
        if not _heads(user, review.agency):
            raise Forbidden(
                "Chỉ lãnh đạo cơ quan được xem xét đánh giá này.",
                "Only the agency's head or leader may close this review.",
            )
        if review.state == ReviewState.CLOSED:
            raise Refused(
                "review_closed", "Việc xem xét này đã đóng.", "This review is already closed."
            )
        review.state = ReviewState.CLOSED
        review.resolved_at = timezone.now()
        review.resolved_by = user
        review.resolution = resolution
        review.save(update_fields=["state", "resolved_at", "resolved_by", "resolution"])
    return review


# -- feedback ---------------------------------------------------------------------------------

# Decision 766/QD-TTg, "feedback handled on time" (RULES.md): working days per stage.
REJECT_DAYS = 2
SUPPLEMENT_DAYS = 5
RESOLVE_DAYS = 15
PUBLISH_DAYS = 2


def _due(province_id: int | None, start: dt.datetime, days: int) -> dt.datetime:
    return calendar_for(province_id).due(start, TimeLimit(LimitKind.WORKING_DAYS, days))


def _reference(at: dt.datetime) -> str:
    """A new reference: the day and six characters easy to read over the phone (no 0/O,
    1/I). 32⁶ ≈ 10⁹ per day; the unique key stays the guard if two draws ever meet."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    for _attempt in range(5):
        tail = "".join(secrets.choice(alphabet) for _ in range(6))
        reference = f"PA-{timezone.localtime(at):%y%m%d}-{tail}"
        if not Feedback.objects.filter(reference=reference).exists():
            break
    return reference


def feedback_token(feedback: Feedback) -> str:
    """The key that lets the author follow their feedback without an account."""
    return salted_hmac("motcua.feedback", feedback.reference, algorithm="sha256").hexdigest()[:20]


def feedback_token_valid(feedback: Feedback, token: str) -> bool:
    return constant_time_compare(feedback_token(feedback), token or "")


def _event(feedback: Feedback, action: FeedbackAction, at, user=None, on_time=None, **payload):
    FeedbackEvent.objects.create(
        feedback=feedback,
        at=at,
        action=action,
        actor=user if getattr(user, "is_authenticated", False) else None,
        on_time=on_time,
        payload={k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in payload.items()},
    )


@dataclass(frozen=True)
class Author:
    name: str = ""
    phone: str = ""
    email: str = ""
    user: object = None


def feedback_submit(
    *,
    kind: FeedbackKind | str,
    subject: str,
    content: str,
    author: Author = Author(),
    procedure=None,
    dossier_code: str = "",
    province: Unit | None = None,
    channel: FeedbackChannel = FeedbackChannel.WEB,
) -> Feedback:
    """Receive feedback and set its deadlines on the working calendar of its province.

    A dossier code, when given and known, ties the feedback to the dossier's competent
    agency and province; an unknown code is kept in the text only, and the answer is the
    same either way, so the form cannot be used to probe for codes.
    """
    subject, content = (subject or "").strip(), (content or "").strip()
    if kind not in FeedbackKind.values:
        raise Refused("invalid_feedback", "Loại phản ánh không hợp lệ.", "Unknown feedback kind.")
    if not content or len(content) < 10:
        raise Refused(
            "invalid_feedback",
            "Vui lòng ghi nội dung phản ánh, kiến nghị (ít nhất 10 ký tự).",
            "Please write the feedback (at least 10 characters).",
            field="content",
        )
    if len(content) > 5000:
        raise Refused(
            "invalid_feedback",
            "Nội dung quá dài (tối đa 5.000 ký tự).",
            "The text is too long (5,000 characters at most).",
            field="content",
        )
    dossier = None
    code = (dossier_code or "").strip()
    if code:
        dossier = (
            Dossier.objects.exclude(state=State.DRAFT)
            .select_related("competent_agency")
            .filter(code=code)
            .first()
        )
        if dossier is None:
            content = f"{content}\n\n[Mã hồ sơ: {code[:40]}]"
    agency = dossier.competent_agency if dossier else None
    province_id = dossier.competent_province_id if dossier else (province.pk if province else None)
    if procedure is None and dossier is not None:
        procedure = dossier.procedure
    at = timezone.now()
    with transaction.atomic():
        feedback = Feedback.objects.create(
            reference=_reference(at),
            kind=kind,
            channel=channel,
            procedure=procedure,
            dossier=dossier,
            agency=agency,
            province_id=province_id,
            subject=(subject or content.splitlines()[0])[:200],
            content=content,
            author_name=author.name.strip()[:200],
            author_phone=author.phone.strip()[:20],
            author_email=author.email.strip(),
            author=author.user if getattr(author.user, "is_authenticated", False) else None,
            received_at=at,
            reject_due_at=_due(province_id, at, REJECT_DAYS),
            supplement_due_at=_due(province_id, at, SUPPLEMENT_DAYS),
            resolve_due_at=_due(province_id, at, RESOLVE_DAYS),
        )
        _event(feedback, FeedbackAction.SUBMIT, at, author.user, channel=str(channel))
    return feedback


def _officer_lock(feedback: Feedback, user) -> Feedback:
    """Lock the feedback for an officer who serves its agency or province."""
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if not Feedback.objects.visible_to(user).filter(pk=feedback.pk).exists():
        raise DossierError(
            "not_found", "Không tìm thấy phản ánh.", "Feedback not found.", status=404
        )
    return feedback


def _require_state(feedback: Feedback, *states: str) -> None:
    if feedback.state not in states:
        raise Refused(
            "illegal_move",
            f"Phản ánh đang ở trạng thái “{feedback.get_state_display()}”.",
            f"The feedback is in state '{feedback.state}'.",
            current=feedback.state,
        )


def feedback_reject(*, feedback: Feedback, user, reason: str) -> Feedback:
    """Refuse feedback outside the rules (no content, not the agency's business...)."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused("missing_requirement", "Phải nêu lý do.", "A reason is required.")
    with transaction.atomic():
        feedback = _officer_lock(feedback, user)
        _require_state(feedback, FeedbackState.RECEIVED)
        at = timezone.now()
        feedback.state = FeedbackState.REJECTED
        feedback.rejected_at = at
        feedback.reject_reason = reason
        feedback.save()
        _event(
            feedback,
            FeedbackAction.REJECT,
            at,
            user,
            on_time=at <= feedback.reject_due_at,
            reason=reason,
        )
    return feedback


def feedback_request_supplement(*, feedback: Feedback, user, question: str) -> Feedback:
    question = (question or "").strip()
    if not question:
        raise Refused(
            "missing_requirement", "Phải nêu nội dung cần bổ sung.", "Say what is needed."
        )
    with transaction.atomic():
        feedback = _officer_lock(feedback, user)
        _require_state(feedback, FeedbackState.RECEIVED)
        at = timezone.now()
        feedback.state = FeedbackState.SUPPLEMENT_REQUESTED
        feedback.supplement_requested_at = at
        feedback.supplement_question = question
        feedback.save()
        _event(
            feedback,
            FeedbackAction.REQUEST_SUPPLEMENT,
            at,
            user,
            on_time=at <= feedback.supplement_due_at,
            question=question,
        )
    return feedback


def feedback_supplement(*, feedback: Feedback, text: str) -> Feedback:
    """The author answers a request for more information: the 15 working days to resolve
    count again from this moment."""
    text = (text or "").strip()
    if not text:
        raise Refused("invalid_feedback", "Vui lòng ghi nội dung bổ sung.", "Please write it.")
    with transaction.atomic():
        feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
        _require_state(feedback, FeedbackState.SUPPLEMENT_REQUESTED)
        at = timezone.now()
        feedback.state = FeedbackState.RECEIVED
        feedback.supplement_received_at = at
        feedback.supplement_text = text[:5000]
        feedback.resolve_due_at = _due(feedback.province_id, at, RESOLVE_DAYS)
        feedback.save()
        _event(feedback, FeedbackAction.SUPPLEMENT, at, resolve_due_at=feedback.resolve_due_at)
    return feedback


def feedback_answer(*, feedback: Feedback, user, answer: str, publish: bool = False) -> Feedback:
    """Answer the feedback; the answer is due for publication within 2 working days, or
    published at once with ``publish=True``."""
    answer = (answer or "").strip()
    if not answer:
        raise Refused("missing_requirement", "Phải có nội dung trả lời.", "An answer is required.")
    with transaction.atomic():
        feedback = _officer_lock(feedback, user)
        _require_state(feedback, FeedbackState.RECEIVED)
        at = timezone.now()
        feedback.state = FeedbackState.ANSWERED
        feedback.answered_at = at
        feedback.answer = answer
        feedback.answered_by = user
        feedback.publish_due_at = _due(feedback.province_id, at, PUBLISH_DAYS)
        feedback.save()
        _event(
            feedback,
            FeedbackAction.ANSWER,
            at,
            user,
            on_time=at <= feedback.resolve_due_at,
            publish_due_at=feedback.publish_due_at,
        )
    if publish:
        feedback = feedback_publish(feedback=feedback, user=user)
    return feedback


def feedback_publish(*, feedback: Feedback, user) -> Feedback:
    with transaction.atomic():
        feedback = _officer_lock(feedback, user)
        _require_state(feedback, FeedbackState.ANSWERED)
        at = timezone.now()
        feedback.state = FeedbackState.PUBLISHED
        feedback.published_at = at
        feedback.save()
        _event(feedback, FeedbackAction.PUBLISH, at, user, on_time=at <= feedback.publish_due_at)
    return feedback


def feedback_on_time(feedback: Feedback) -> bool | None:
    """Whether every stage so far met its deadline (None while nothing is decided yet)."""
    outcomes = [e.on_time for e in feedback.events.all() if e.on_time is not None]
    return all(outcomes) if outcomes else None
