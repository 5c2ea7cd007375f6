"""Online fee payment through a pluggable provider.

A provider implements ``PaymentProvider``: ``start`` records a pending payment and returns
the URL to send the citizen to; ``confirm`` reads the provider's answer (the request the
citizen's browser or the provider's server brings back), checks it, and records the
outcome. Providers never write rows themselves: they call ``payment_open``,
``payment_mark_paid`` and ``payment_cancel``, which lock, check, write and audit.

``SandboxProvider`` stands in for a real gateway during development and demos: its "bank
page" is served by the portal and a click records the payment. It is refused outside
demo or debug mode unless an operator names it explicitly in
``MOTCUA_PAYMENT_PROVIDER`` (docs/portal.md).

Paying sets ``Dossier.fee_paid_online`` (the Decision 766/QD-TTg online-payment
indicator counts it).
"""

import secrets
from typing import Protocol

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from motcua.dossiers.errors import Refused
from motcua.dossiers.models import Dossier, State
from motcua.portal.models import Payment, PaymentAction, PaymentEvent, PaymentStatus

SANDBOX = "motcua.portal.payments.SandboxProvider"
# States in which a fee may still be paid: not after the dossier ended without a result.
_PAYABLE_EXCLUDED = {State.DRAFT, State.REFUSED, State.WITHDRAWN, State.STOPPED}


class PaymentProvider(Protocol):
    name: str

    def start(self, dossier: Dossier, amount: int, *, user=None) -> str:
        """Record a pending payment of ``amount`` VND; return the URL to redirect to."""
        ...

    def confirm(self, request) -> Payment:
        """Check the provider's answer carried by ``request`` and record the outcome."""
        ...


def payment_provider() -> PaymentProvider | None:
    """The configured provider, or None when online payment is not offered.

    ``MOTCUA_PAYMENT_PROVIDER`` names a class by dotted path; unset, the sandbox is used
    in demo and debug mode only.
    """
    path = getattr(settings, "MOTCUA_PAYMENT_PROVIDER", "") or (
        SANDBOX if settings.DEMO or settings.DEBUG else ""
    )
    return import_string(path)() if path else None


# -- the services every provider goes through -------------------------------------------------


def _audit(payment: Payment, action: PaymentAction, user=None, **payload) -> None:
    PaymentEvent.objects.create(
        payment=payment,
        at=timezone.now(),
        action=action,
        actor=user if getattr(user, "is_authenticated", False) else None,
        payload=payload,
    )


def payment_open(*, dossier: Dossier, amount: int, provider: str, user=None) -> Payment:
    """A pending payment of the dossier's fee, with a fresh reference."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if dossier.state in _PAYABLE_EXCLUDED:
            raise Refused(
                "payment_not_applicable",
                "Hồ sơ ở trạng thái này không thanh toán phí.",
                "A dossier in this state takes no payment.",
            )
        if dossier.fee_paid_online or dossier.payments.filter(status=PaymentStatus.PAID).exists():
            raise Refused(
                "payment_already_made",
                "Phí của hồ sơ này đã được thanh toán.",
                "The fee of this dossier was already paid.",
            )
        if amount <= 0 or amount != dossier.fee_vnd:
            raise Refused(
                "payment_amount",
                "Số tiền thanh toán không đúng với phí, lệ phí của hồ sơ.",
                "The amount does not match the dossier's fee.",
                amount=amount,
                fee=dossier.fee_vnd,
            )
        payment = Payment.objects.create(
            dossier=dossier,
            amount_vnd=amount,
            provider=provider,
            reference=f"{timezone.localdate():%y%m%d}-{secrets.token_hex(6).upper()}",
            started_by=user if getattr(user, "is_authenticated", False) else None,
        )
        _audit(payment, PaymentAction.START, user, amount=amount, dossier=dossier.code)
    return payment


def _locked(provider: str, reference: str) -> Payment:
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("dossier")
        .filter(provider=provider, reference=reference)
        .first()
    )
    if payment is None:
        raise Refused(
            "payment_unknown",
            "Không tìm thấy giao dịch thanh toán.",
            "Payment not found.",
            reference=reference,
        )
    return payment


def payment_mark_paid(*, provider: str, reference: str, amount: int, **evidence) -> Payment:
    """Record that the provider confirmed the payment; a repeated confirmation is a no-op."""
    with transaction.atomic():
        payment = _locked(provider, reference)
        if payment.status == PaymentStatus.PAID:
            return payment
        if payment.status != PaymentStatus.PENDING:
            raise Refused(
                "payment_closed",
                "Giao dịch này đã bị hủy.",
                "This payment was cancelled.",
            )
        if amount != payment.amount_vnd:
            raise Refused(
                "payment_amount",
                "Số tiền xác nhận không khớp với giao dịch.",
                "The confirmed amount does not match the payment.",
            )
        payment.status = PaymentStatus.PAID
        payment.paid_at = timezone.now()
        try:
            with transaction.atomic():
                payment.save(update_fields=["status", "paid_at"])
        except IntegrityError:
            # Another payment of this dossier was confirmed first (payment_paid_once).
            raise Refused(
                "payment_already_made",
                "Phí của hồ sơ này đã được thanh toán.",
                "The fee of this dossier was already paid.",
            ) from None
        # The dossier row belongs to the dossier services; only this one flag is set here,
        # under the payment's lock, with the payment row and its audit as the evidence.
        Dossier.objects.filter(pk=payment.dossier_id).update(fee_paid_online=True)
        _audit(payment, PaymentAction.PAID, None, amount=amount, **evidence)
    return payment


def payment_cancel(*, provider: str, reference: str, user=None, **evidence) -> Payment:
    with transaction.atomic():
        payment = _locked(provider, reference)
        if payment.status != PaymentStatus.PENDING:
            return payment
        payment.status = PaymentStatus.CANCELLED
        payment.save(update_fields=["status"])
        _audit(payment, PaymentAction.CANCEL, user, **evidence)
    return payment


# -- the sandbox ------------------------------------------------------------------------------


class SandboxProvider:
    """A pretend gateway for development: the portal serves its confirmation page."""

    name = "sandbox"
    _salt = "motcua.portal.sandbox-payment"

    def start(self, dossier: Dossier, amount: int, *, user=None) -> str:
        payment = payment_open(dossier=dossier, amount=amount, provider=self.name, user=user)
        return reverse("portal:sandbox_pay", args=[payment.reference])

    def signature(self, reference: str, outcome: str) -> str:
        """What a real gateway does with its shared secret: sign the answer it sends back,
        so that a citizen cannot forge "paid" by posting the form by hand."""
        return signing.Signer(salt=self._salt).sign(f"{reference}:{outcome}").rsplit(":", 1)[1]

    def confirm(self, request) -> Payment:
        reference = request.POST.get("reference", "")
        outcome = request.POST.get("outcome", "")
        expected = self.signature(reference, outcome)
        if outcome not in {"paid", "cancelled"} or not secrets.compare_digest(
            expected, request.POST.get("signature", "")
        ):
            raise Refused(
                "payment_signature",
                "Phản hồi của cổng thanh toán không hợp lệ.",
                "The payment gateway's answer is not valid.",
            )
        if outcome == "cancelled":
            return payment_cancel(
                provider=self.name, reference=reference, user=request.user, gateway="sandbox"
            )
        payment = Payment.objects.filter(provider=self.name, reference=reference).first()
        return payment_mark_paid(
            provider=self.name,
            reference=reference,
            amount=payment.amount_vnd if payment else 0,
            gateway="sandbox",
        )
