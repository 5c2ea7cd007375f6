"""The pure transition table."""

import pytest

from motcua.dossiers import workflow as wf
from motcua.dossiers.workflow import TRANSITIONS, State


def test_every_state_has_a_row_and_final_states_lead_nowhere():
    assert set(TRANSITIONS) == set(State)
    assert {State.REFUSED, State.RETURNED, State.WITHDRAWN, State.STOPPED} == wf.TERMINAL


def test_every_open_state_can_reach_an_end():
    reachable = {}
    for start in State:
        seen, frontier = {start}, [start]
        while frontier:
            for nxt in TRANSITIONS[frontier.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        reachable[start] = seen
    for state in State:
        assert reachable[state] & wf.TERMINAL, state


def test_an_illegal_move_names_the_current_state_and_the_allowed_ones():
    with pytest.raises(wf.IllegalMove) as error:
        wf.check_move(
            State.RECEIVED,
            State.RETURNED,
            roles=frozenset({wf.COUNTER}),
            provided=frozenset(),
            received=True,
        )
    message = str(error.value)
    assert "'received'" in message
    assert "processing" in message and "supplement_requested" in message


def test_a_refusal_needs_a_reason():
    with pytest.raises(wf.MissingRequirement):
        wf.check_move(
            State.SUBMITTED,
            State.REFUSED,
            roles=frozenset({wf.COUNTER}),
            provided=frozenset(),
            received=False,
        )


def test_only_a_leader_or_head_approves():
    with pytest.raises(wf.RoleNotAllowed):
        wf.check_move(
            State.AWAITING_APPROVAL,
            State.APPROVED,
            roles=frozenset({wf.SPECIALIST, wf.COUNTER}),
            provided=frozenset({wf.Need.RESULT_FILE}),
            received=True,
        )


def test_a_supplement_returns_to_submitted_only_before_receipt():
    roles = frozenset({wf.COUNTER})
    wf.check_move(
        State.SUPPLEMENT_REQUESTED,
        State.SUBMITTED,
        roles=roles,
        provided=frozenset(),
        received=False,
    )
    with pytest.raises(wf.IllegalMove):
        wf.check_move(
            State.SUPPLEMENT_REQUESTED,
            State.SUBMITTED,
            roles=roles,
            provided=frozenset(),
            received=True,
        )
    with pytest.raises(wf.IllegalMove):
        wf.check_move(
            State.SUPPLEMENT_REQUESTED,
            State.PROCESSING,
            roles=roles,
            provided=frozenset(),
            received=False,
        )
