"""At-risk and late flags; calendar changes move stored due dates only through recompute."""

import io

from django.core.management import call_command

from motcua.dossiers import services as s
from motcua.dossiers.models import Action, DeadlineStatus, Dossier
from motcua.dossiers.services.deadlines import deadlines_flag
from tests.dossiers.conftest import at


def received(submit, staff):
    return s.dossier_receive(dossier=submit(), user=staff.counter_a)


def test_a_dossier_is_on_track_then_at_risk_then_late(submit, staff, clock):
    d = received(submit, staff)  # Monday 09:00, due Thursday 09:00 (24 office hours)
    deadlines_flag(now=at(2026, 3, 10, 9, 0))
    assert Dossier.objects.get(pk=d.pk).deadline_status == DeadlineStatus.ON_TRACK
    # 20 of 24 office hours used: past the 80 % mark.
    deadlines_flag(now=at(2026, 3, 11, 14, 0))
    assert Dossier.objects.get(pk=d.pk).deadline_status == DeadlineStatus.AT_RISK
    report = deadlines_flag(now=at(2026, 3, 12, 9, 30))
    assert Dossier.objects.get(pk=d.pk).deadline_status == DeadlineStatus.LATE
    assert report.dossiers == {"late": 1}
    assert Dossier.objects.overdue(at(2026, 3, 12, 9, 30)).filter(pk=d.pk).exists()


def test_steps_are_flagged_too(submit, staff, clock):
    d = received(submit, staff)
    d = s.step_assign(dossier=d, user=staff.counter_a, assignee=staff.specialist_a)
    deadlines_flag(now=at(2026, 3, 12, 10, 0))
    current = d.steps.get(order=3)
    assert current.deadline_status == DeadlineStatus.LATE


def test_finished_dossiers_are_not_flagged(submit, staff, clock):
    d = s.dossier_refuse(dossier=submit(), user=staff.counter_a, reason="x")
    deadlines_flag(now=at(2027, 1, 1, 9, 0))
    assert Dossier.objects.get(pk=d.pk).deadline_status == DeadlineStatus.ON_TRACK


def test_an_added_day_off_changes_new_computations_but_not_stored_due_dates(submit, staff, clock):
    d = received(submit, staff)
    assert d.due_at == at(2026, 3, 12, 9, 0)
    call_command(
        "calendar",
        "add-day-off",
        "2026-03-11",
        "--reason",
        "Bão số 3",
        "--source",
        "Quyết định của UBND tỉnh",
        "--province",
        "46",
        stdout=io.StringIO(),
    )
    # The next computation sees the day off...
    later = received(submit, staff)
    assert later.due_at == at(2026, 3, 13, 9, 0)
    # ...the stored one does not move by itself.
    assert Dossier.objects.get(pk=d.pk).due_at == at(2026, 3, 12, 9, 0)
    out = io.StringIO()
    call_command("calendar", "recompute", stdout=out)
    moved = Dossier.objects.get(pk=d.pk)
    assert moved.due_at == at(2026, 3, 13, 9, 0)
    assert d.code in out.getvalue()
    event = moved.events.order_by("-seq").first()
    assert event.action == Action.DEADLINE_MOVED
    assert event.payload["old_due_at"].startswith("2026-03-12T02:00")
    assert event.payload["new_due_at"].startswith("2026-03-13T02:00")
    # Nothing more to move the second time.
    again = io.StringIO()
    call_command("calendar", "recompute", stdout=again)
    assert "0 hồ sơ" in again.getvalue()


def test_a_date_promised_in_an_apology_is_not_recomputed(submit, staff, clock):
    d = received(submit, staff)
    d = s.dossier_apologize(
        dossier=d, user=staff.leader_a, reason="Chờ", new_due_at=at(2026, 3, 20, 17)
    )
    call_command("calendar", "add-day-off", "2026-03-11", "--reason", "Bão", stdout=io.StringIO())
    call_command("calendar", "recompute", stdout=io.StringIO())
    assert Dossier.objects.get(pk=d.pk).due_at == at(2026, 3, 20, 17)
