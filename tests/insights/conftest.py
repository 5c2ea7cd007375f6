"""Fixtures of the indicator tests: the dossier fixtures (staff, procedure, submit, a frozen
clock), a fee-bearing procedure, the March 2026 scenario of commune A, and a check that the
incremental facts equal a rebuild."""

import pytest
from django.core.files.base import ContentFile

from motcua.calendar import TimeLimit
from motcua.dossiers import services as s
from motcua.dossiers.models import Channel, DocumentKind, DossierDocument
from tests.dossiers import conftest as dossier_fixtures
from tests.dossiers.conftest import PDF, at, make_procedure
from tests.insights.support import assert_rebuild_matches, assigned, finish, received

# The dossier tests' fixtures, shared (staff, a procedure, submit, the frozen clock).
clock = dossier_fixtures.clock
procedure = dossier_fixtures.procedure
staff = dossier_fixtures.staff
submit = dossier_fixtures.submit


@pytest.fixture
def rebuild_matches():
    return assert_rebuild_matches


@pytest.fixture
def fee_procedure(db):
    procedure = make_procedure("1.000002", name="Chứng thực bản sao")
    procedure.fee_vnd = 50_000
    procedure.save()
    return procedure


@pytest.fixture
def march(submit, staff, clock, fee_procedure):
    """Commune A in March 2026: nine dossiers, every case above in one month."""
    # D1 carried over: received 25/2 (due 2/3), finished late 3/3, apology, returned.
    d1 = assigned(submit, staff, clock, at(2026, 2, 25, 9))
    d1 = finish(d1, staff, clock, at(2026, 3, 3, 10))
    d1 = s.dossier_apologize(
        dossier=d1, user=staff.leader_a, reason="Chờ xác minh", new_due_at=at(2026, 3, 5, 17)
    )
    s.dossier_return(dossier=d1, user=staff.counter_a)
    # D2 online, fee paid online, component file: early on 10/3, returned.
    clock.move_to(at(2026, 3, 9, 9))
    d2 = submit(
        channel=Channel.ONLINE,
        user=staff.citizen,
        owner=staff.citizen,
        procedure=fee_procedure,
        fee_paid_online=True,
    )
    DossierDocument(dossier=d2, kind=DocumentKind.COMPONENT, name="to-khai.pdf").file.save(
        "to-khai.pdf", ContentFile(PDF), save=True
    )
    d2 = s.dossier_receive(dossier=d2, user=staff.counter_a)
    d2 = s.step_assign(dossier=d2, user=staff.counter_a, assignee=staff.specialist_a)
    d2 = finish(d2, staff, clock, at(2026, 3, 10, 15))
    clock.move_to(at(2026, 3, 10, 16))
    s.dossier_return(dossier=d2, user=staff.counter_a)
    # D3 one supplement (wait subtracted): on time 13/3.
    d3 = assigned(submit, staff, clock, at(2026, 3, 9, 9))
    clock.move_to(at(2026, 3, 10, 9))
    d3 = s.dossier_request_supplement(
        dossier=d3, user=staff.specialist_a, items=[{"name": "CCCD", "reason": "mờ"}]
    )
    clock.move_to(at(2026, 3, 11, 14))
    d3 = s.dossier_complete_supplement(dossier=d3, user=staff.counter_a)
    finish(d3, staff, clock, at(2026, 3, 13, 16))
    # D4 two supplements: late, finished 10/3.
    d4 = received(submit, staff, clock, at(2026, 3, 9, 9))
    for hour in (10, 14):
        clock.move_to(at(2026, 3, 9, hour))
        d4 = s.dossier_request_supplement(
            dossier=d4, user=staff.counter_a, items=[{"name": "Tờ khai", "reason": "sai"}]
        )
        clock.move_to(at(2026, 3, 9, hour + 1))
        d4 = s.dossier_complete_supplement(dossier=d4, user=staff.counter_a)
    d4 = s.step_assign(dossier=d4, user=staff.counter_a, assignee=staff.specialist_a)
    finish(d4, staff, clock, at(2026, 3, 10, 10))
    # D5 withdrawn on 16/3.
    d5 = assigned(submit, staff, clock, at(2026, 3, 9, 9))
    clock.move_to(at(2026, 3, 16, 10))
    s.dossier_withdraw(dossier=d5, user=staff.counter_a, reason="Xin rút")
    # D6 inter-agency with commune B: early on 11/3.
    d6 = assigned(submit, staff, clock, at(2026, 3, 9, 9))
    clock.move_to(at(2026, 3, 10, 9))
    d6 = s.dossier_transfer(
        dossier=d6,
        user=staff.specialist_a,
        to_agency=staff.agency_b,
        task="Xác minh",
        limit=TimeLimit("days", 1),
    )
    clock.move_to(at(2026, 3, 11, 9))
    d6 = s.request_answer(dossier=d6, user=staff.counter_b, answer="Đã xác minh")
    finish(d6, staff, clock, at(2026, 3, 11, 15))
    # D7 refused at intake.
    clock.move_to(at(2026, 3, 9, 9))
    s.dossier_refuse(dossier=submit(), user=staff.counter_a, reason="Không thuộc thẩm quyền")
    # D8 fee-bearing, paid in cash, in progress and late at the end of March.
    assigned(submit, staff, clock, at(2026, 3, 9, 9), procedure=fee_procedure)
    # D9 received 31/3, in progress on time.
    received(submit, staff, clock, at(2026, 3, 31, 9))
    # D10 submitted online on 20/3, never received.
    clock.move_to(at(2026, 3, 20, 9))
    submit(channel=Channel.ONLINE, user=staff.citizen, owner=staff.citizen)
    return staff
