"""The transitions' own statements (services/statements.py) write what the ORM would."""

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.verify import verify_all
from tests.dossiers.conftest import PDF


def lifecycle(submit, staff) -> Dossier:
    d = submit()
    d = s.dossier_receive(dossier=d, user=staff.counter_a)
    d = s.step_assign(dossier=d, user=staff.counter_a, assignee=staff.specialist_a)
    d = s.dossier_propose_result(
        dossier=d, user=staff.specialist_a, file_name="kq.pdf", content=PDF
    )
    d = s.dossier_approve(dossier=d, user=staff.leader_a)
    d = s.dossier_mark_result_ready(dossier=d, user=staff.counter_a)
    return s.dossier_return(dossier=d, user=staff.counter_a)


def stored(dossier: Dossier) -> dict:
    row = model_to_dict(Dossier.objects.get(pk=dossier.pk))
    return {k: v for k, v in row.items() if k not in {"id", "result_file"}}


def test_the_row_written_is_the_dossier_the_service_returns(submit, staff, clock):
    """Only the changed columns are written: what is stored must still be all of it."""
    d = submit()
    assert stored(d) == {k: v for k, v in model_to_dict(d).items() if k in stored(d)}
    d = s.dossier_receive(dossier=d, user=staff.counter_a)
    assert stored(d) == {k: v for k, v in model_to_dict(d).items() if k in stored(d)}
    d = s.step_assign(dossier=d, user=staff.counter_a, assignee=staff.specialist_a)
    assert stored(d) == {k: v for k, v in model_to_dict(d).items() if k in stored(d)}
    steps = DossierStep.objects.filter(dossier=d).order_by("order")
    started = [step.kind for step in steps if step.started_at and not step.finished_at]
    assert len(started) == 1
    assert steps.get(kind=started[0]).assignee == staff.specialist_a


def test_a_lifecycle_is_the_same_with_prepared_statements_off(submit, staff, clock):
    """Behind a transaction-pooling proxy nothing is prepared; the history is the same."""
    with_prepared = lifecycle(submit, staff)
    with override_settings(MOTCUA_PREPARED_STATEMENTS=False):
        without = lifecycle(submit, staff)
    assert with_prepared.state == without.state == "returned"
    assert with_prepared.event_count == without.event_count
    assert [e.action for e in with_prepared.events.order_by("seq")] == [
        e.action for e in without.events.order_by("seq")
    ]
    assert list(verify_all()) == []


@pytest.mark.django_db
def test_postgresql_prepares_the_transition_statements_once_per_connection(submit, staff, clock):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    lifecycle(submit, staff)

    def prepared() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {statement for (statement,) in cursor.fetchall()}

    first = prepared()
    # The lock, the event with the dossier row, the indicator hook's statement.
    assert any("FOR UPDATE OF t" in statement for statement in first)
    assert any(statement.startswith("WITH inserted AS") for statement in first)
    assert any(statement.startswith("WITH delta AS") for statement in first)
    lifecycle(submit, staff)
    assert prepared() == first


@pytest.mark.django_db
def test_nothing_is_prepared_with_prepared_statements_off(submit, staff, clock):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")

    def prepared() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {statement for (statement,) in cursor.fetchall()}

    before = prepared()
    with override_settings(MOTCUA_PREPARED_STATEMENTS=False):
        lifecycle(submit, staff)
    assert prepared() <= before


def test_the_step_progress_goes_out_with_the_event(submit, staff, clock):
    """A hand-over ends one step and starts the next; on PostgreSQL that write rides in the
    event's statement, elsewhere just before it: the steps and the history agree."""
    d = submit()
    d = s.dossier_receive(dossier=d, user=staff.counter_a)
    d = s.step_assign(dossier=d, user=staff.counter_a, assignee=staff.specialist_a)
    with CaptureQueriesContext(connection) as captured:
        d = s.step_hand_over(dossier=d, user=staff.specialist_a)
    statements_run = [q["sql"] for q in captured.captured_queries]
    step_writes = [q for q in statements_run if 'UPDATE "dossiers_dossierstep"' in q]
    assert len(step_writes) == 1
    if connection.vendor == "postgresql":
        assert "WITH inserted AS" in step_writes[0]
    steps = list(DossierStep.objects.filter(dossier=d).order_by("order"))
    appraise = next(step for step in steps if step.kind == "appraise")
    following = steps[steps.index(appraise) + 1]
    assert appraise.finished_at is not None and appraise.outcome
    assert following.started_at == appraise.finished_at and following.finished_at is None
    assert d.events.order_by("-seq").first().payload["to_kind"] == following.kind
    assert list(verify_all()) == []
