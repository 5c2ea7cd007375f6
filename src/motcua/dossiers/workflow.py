"""The dossier lifecycle as a pure transition table (Decree 61/2018 art. 15–20, 26;
Decree 118/2025 from 1 July 2025). Imports nothing from Django.

``TRANSITIONS`` says which state may follow which; ``ACTORS`` which roles may move a dossier
into a state; ``REQUIRES`` what the move must carry (a reason for a refusal, a result file
for an approval...). The service in ``services.py`` is the only caller that changes state,
and it checks all three here before it writes.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RECEIVED = "received"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    REFUSED = "refused"
    PROCESSING = "processing"
    CONSULTING = "consulting"
    TRANSFERRED = "transferred"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    RESULT_READY = "result_ready"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"


# Role names as stored by units.Role; repeated here as strings so this module stays pure.
COUNTER = "counter_officer"
SPECIALIST = "specialist"
HEAD = "head_of_department"
LEADER = "leader"
HELPER = "digital_helper"
APPLICANT = "applicant"  # the citizen who owns the dossier (not a unit role)

S = State
TRANSITIONS: Mapping[State, frozenset[State]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    # Intake (art. 15–16): complete → receipt; incomplete → one complete guidance in
    # writing; not eligible → refusal with reasons.
    S.SUBMITTED: frozenset({S.RECEIVED, S.SUPPLEMENT_REQUESTED, S.REFUSED, S.WITHDRAWN}),
    # Back from a supplement: before receipt it is submitted again; after receipt,
    # processing resumes (and the ledger restarts the limit, art. 19.4).
    S.SUPPLEMENT_REQUESTED: frozenset(
        {S.SUBMITTED, S.PROCESSING, S.REFUSED, S.WITHDRAWN, S.STOPPED}
    ),
    S.RECEIVED: frozenset(
        {S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.TRANSFERRED, S.RESULT_READY, S.WITHDRAWN}
    ),
    S.PROCESSING: frozenset(
        {
            S.CONSULTING,
            S.TRANSFERRED,
            S.AWAITING_APPROVAL,
            S.SUPPLEMENT_REQUESTED,
            S.WITHDRAWN,
            S.STOPPED,
        }
    ),
    S.CONSULTING: frozenset({S.PROCESSING, S.WITHDRAWN, S.STOPPED}),
    S.TRANSFERRED: frozenset({S.PROCESSING, S.WITHDRAWN, S.STOPPED}),
    # The leader approves, rejects on the merits, or sends the draft back.
    S.AWAITING_APPROVAL: frozenset({S.APPROVED, S.REJECTED, S.PROCESSING}),
    S.APPROVED: frozenset({S.RESULT_READY}),
    # A rejection on the merits is itself a result handed back to the applicant.
    S.REJECTED: frozenset({S.RETURNED}),
    S.RESULT_READY: frozenset({S.RETURNED}),
    S.REFUSED: frozenset(),
    S.RETURNED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.STOPPED: frozenset(),
}

TERMINAL: frozenset[State] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)
# States in which the legal clock runs against the agency.
CLOCK_RUNNING: frozenset[State] = frozenset(
    {S.RECEIVED, S.PROCESSING, S.CONSULTING, S.TRANSFERRED, S.AWAITING_APPROVAL, S.APPROVED}
)
# Processing has ended (the date national statistics compare with the appointment).
FINISHED: frozenset[State] = frozenset({S.RESULT_READY, S.REJECTED})

ACTORS: Mapping[State, frozenset[str]] = {
    S.SUBMITTED: frozenset({APPLICANT, HELPER, COUNTER}),
    S.RECEIVED: frozenset({COUNTER}),
    S.SUPPLEMENT_REQUESTED: frozenset({COUNTER, SPECIALIST, HEAD}),
    S.REFUSED: frozenset({COUNTER, HEAD}),
    S.PROCESSING: frozenset({COUNTER, SPECIALIST, HEAD, LEADER}),
    S.CONSULTING: frozenset({SPECIALIST, HEAD}),
    S.TRANSFERRED: frozenset({COUNTER, SPECIALIST, HEAD}),
    S.AWAITING_APPROVAL: frozenset({SPECIALIST, HEAD}),
    S.APPROVED: frozenset({LEADER, HEAD}),
    S.REJECTED: frozenset({LEADER, HEAD}),
    # The leader who approves and signs hands the signed result to the desk at once.
    S.RESULT_READY: frozenset({COUNTER, SPECIALIST, HEAD, LEADER}),
    S.RETURNED: frozenset({COUNTER}),
    S.WITHDRAWN: frozenset({APPLICANT, COUNTER}),
    S.STOPPED: frozenset({LEADER, HEAD}),
}

# Where who may act depends on the edge, not only on the target state.
EDGE_ACTORS: Mapping[tuple[State, State], frozenset[str]] = {
    # The applicant (online), a helper or the counter hands in the missing papers.
    (S.SUPPLEMENT_REQUESTED, S.PROCESSING): frozenset(
        {APPLICANT, HELPER, COUNTER, SPECIALIST, HEAD}
    ),
    # A leader sends a draft back to the specialist.
    (S.AWAITING_APPROVAL, S.PROCESSING): frozenset({LEADER, HEAD}),
    # The competent agency (or the one it consulted) records the answer and resumes.
    (S.CONSULTING, S.PROCESSING): frozenset({COUNTER, SPECIALIST, HEAD, LEADER}),
    (S.TRANSFERRED, S.PROCESSING): frozenset({COUNTER, SPECIALIST, HEAD, LEADER}),
}


def actors_for(current: State, target: State) -> frozenset[str]:
    return EDGE_ACTORS.get((current, target), ACTORS.get(target, frozenset()))


class Need(StrEnum):
    """What a move must carry."""

    REASON = "reason"
    RESULT_FILE = "result_file"
    TARGET_AGENCY = "target_agency"
    ITEMS = "items"  # what the applicant must supplement


REQUIRES: Mapping[State, frozenset[Need]] = {
    S.REFUSED: frozenset({Need.REASON}),
    S.SUPPLEMENT_REQUESTED: frozenset({Need.ITEMS}),
    S.REJECTED: frozenset({Need.REASON}),
    S.APPROVED: frozenset({Need.RESULT_FILE}),
    S.CONSULTING: frozenset({Need.TARGET_AGENCY, Need.REASON}),
    S.TRANSFERRED: frozenset({Need.TARGET_AGENCY, Need.REASON}),
    S.WITHDRAWN: frozenset({Need.REASON}),
    S.STOPPED: frozenset({Need.REASON}),
}


@dataclass(frozen=True)
class IllegalMove(Exception):
    """A move the table does not allow, naming the current state and the allowed ones."""

    current: State
    target: State

    @property
    def allowed(self) -> list[State]:
        return sorted(TRANSITIONS[self.current])

    def __str__(self) -> str:
        allowed = ", ".join(self.allowed) or "none (final state)"
        return (
            f"Cannot move a dossier from '{self.current}' to '{self.target}'; "
            f"allowed from '{self.current}': {allowed}."
        )


@dataclass(frozen=True)
class MissingRequirement(Exception):
    target: State
    missing: frozenset[Need]

    def __str__(self) -> str:
        return f"Moving to '{self.target}' needs: {', '.join(sorted(self.missing))}."


@dataclass(frozen=True)
class RoleNotAllowed(Exception):
    target: State
    roles: frozenset[str]

    def __str__(self) -> str:
        allowed = ", ".join(sorted(ACTORS.get(self.target, frozenset()))) or "nobody"
        roles = ", ".join(sorted(self.roles)) or "none"
        return f"Roles ({roles}) may not move a dossier to '{self.target}'; allowed: {allowed}."


def check_move(
    current: State,
    target: State,
    *,
    roles: frozenset[str],
    provided: frozenset[Need],
    received: bool,
) -> None:
    """Raise if ``current → target`` is not allowed for ``roles`` with what is ``provided``.

    ``received`` says whether the dossier has been received (its clock started): a
    supplement before receipt goes back to ``submitted``, after receipt to ``processing``.
    """
    if target not in TRANSITIONS[current]:
        raise IllegalMove(current, target)
    if current is S.SUPPLEMENT_REQUESTED and (
        (target is S.SUBMITTED and received) or (target is S.PROCESSING and not received)
    ):
        raise IllegalMove(current, target)
    if not roles & actors_for(current, target):
        raise RoleNotAllowed(target, roles)
    missing = REQUIRES.get(target, frozenset()) - provided
    if missing:
        raise MissingRequirement(target, frozenset(missing))
