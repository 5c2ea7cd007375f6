"""Every write to a dossier goes through these services (STYLE.md 4, 8)."""

from motcua.dossiers.services.intake import (
    Applicant,
    dossier_complete_supplement,
    dossier_receive,
    dossier_refuse,
    dossier_request_supplement,
    dossier_submit,
    dossier_withdraw,
)
from motcua.dossiers.services.processing import (
    dossier_apologize,
    dossier_approve,
    dossier_consult,
    dossier_mark_result_ready,
    dossier_propose_result,
    dossier_reject,
    dossier_return,
    dossier_send_back,
    dossier_stop,
    dossier_transfer,
    request_answer,
    step_assign,
    step_hand_over,
)

__all__ = [
    "Applicant",
    "dossier_apologize",
    "dossier_approve",
    "dossier_complete_supplement",
    "dossier_consult",
    "dossier_mark_result_ready",
    "dossier_propose_result",
    "dossier_receive",
    "dossier_refuse",
    "dossier_reject",
    "dossier_request_supplement",
    "dossier_return",
    "dossier_send_back",
    "dossier_stop",
    "dossier_submit",
    "dossier_transfer",
    "dossier_withdraw",
    "request_answer",
    "step_assign",
    "step_hand_over",
]
