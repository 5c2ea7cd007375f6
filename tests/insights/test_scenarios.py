"""Hand-computed scenarios: dossiers driven through the real services under a frozen
clock, and every indicator checked against a figure worked out by hand in the comments.

The procedure of tests/dossiers/conftest.py has a limit of 3 working days: a dossier
received on Monday 9 March 2026 at 09:00 is due on Thursday 12 March at 09:00. Early / on
time / late compare the DATE processing ended with the due date (Decision 766).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.http import Http404

from motcua.calendar import TimeLimit
from motcua.dossiers import services as s
from motcua.dossiers.models import Channel, DocumentKind, DossierDocument
from motcua.insights.indicators import AgencyBand, Group, OfficerBand
from motcua.insights.models import DailyFact
from motcua.insights.selectors import breakdown, indicators_for, slice_for
from motcua.units.models import Role
from motcua.units.services import officer_create, role_grant
from tests.dossiers.conftest import PDF, at
from tests.insights.support import MARCH, assigned, figures, finish, received

D = Decimal


def day(d):
    return (d, d)


# -- received ------------------------------------------------------------------------------------


def test_received_counts_receipts_not_submissions_or_refusals(
    submit, staff, clock, rebuild_matches
):
    received(submit, staff, clock, at(2026, 3, 9, 9))  # received: counts
    received(submit, staff, clock, at(2026, 3, 10, 9))  # received: counts
    submit()  # submitted, never received: does not count
    s.dossier_refuse(dossier=submit(), user=staff.counter_a, reason="Không đủ điều kiện")
    clock.move_to(at(2026, 4, 1, 9))
    received(submit, staff, clock, at(2026, 4, 1, 9))  # April: outside March
    assert figures(staff, *MARCH).received == 2
    assert figures(staff, *day(dt.date(2026, 3, 9))).received == 1
    assert figures(staff, *MARCH).refused == 1
    rebuild_matches()


def test_a_dossier_supplemented_before_receipt_is_received_once(submit, staff, clock):
    d = submit(channel=Channel.ONLINE, user=staff.citizen, owner=staff.citizen)
    d = s.dossier_request_supplement(
        dossier=d, user=staff.counter_a, items=[{"name": "Tờ khai", "reason": "thiếu"}]
    )
    d = s.dossier_complete_supplement(dossier=d, user=staff.citizen)
    s.dossier_receive(dossier=d, user=staff.counter_a)
    i = figures(staff, *MARCH)
    assert i.received == 1
    assert i.received_online == 1
    # An intake supplement is not a supplement of the statistics (none after receipt).
    assert i.in_progress == 1


# -- finished early / on time / late ---------------------------------------------------------


def test_finished_early_on_time_late_compare_dates(submit, staff, clock, rebuild_matches):
    # All received Mon 9/3 09:00, due Thu 12/3 09:00.
    early = assigned(submit, staff, clock, at(2026, 3, 9, 9))
    on_time = assigned(submit, staff, clock, at(2026, 3, 9, 9))
    late = assigned(submit, staff, clock, at(2026, 3, 9, 9))
    finish(early, staff, clock, at(2026, 3, 11, 16))  # 11/3 < 12/3: early
    finish(on_time, staff, clock, at(2026, 3, 12, 16))  # same date, after 09:00: on time
    finish(late, staff, clock, at(2026, 3, 13, 8))  # 13/3 > 12/3: late
    i = figures(staff, *MARCH)
    assert (i.finished_early, i.finished_on_time, i.finished_late) == (1, 1, 1)
    assert i.finished == 3
    assert i.finished_on_time_rate == D("66.67")  # 2 / 3
    assert i.on_time_rate == D("66.67")
    # The finish is dated by its day: only the late one on 13/3.
    assert figures(staff, *day(dt.date(2026, 3, 13))).finished_late == 1
    assert figures(staff, *day(dt.date(2026, 3, 13))).finished == 1
    rebuild_matches()


def test_one_supplement_subtracts_the_wait_and_two_count_as_late(
    submit, staff, clock, rebuild_matches
):
    # One supplement: waiting Tue 10/3 09:00 → Wed 11/3 14:00 (12 office hours) moves
    # the statistical due from Thu 12/3 09:00 to Fri 13/3 14:00: finished 13/3 → on time.
    one = assigned(submit, staff, clock, at(2026, 3, 9, 9))
    clock.move_to(at(2026, 3, 10, 9))
    one = s.dossier_request_supplement(
        dossier=one, user=staff.specialist_a, items=[{"name": "Bản sao CCCD", "reason": "mờ"}]
    )
    clock.move_to(at(2026, 3, 11, 14))
    one = s.dossier_complete_supplement(dossier=one, user=staff.counter_a)
    finish(one, staff, clock, at(2026, 3, 13, 16))
    # Two supplements: late whatever the dates (Decision 766), finished early by date.
    two = received(submit, staff, clock, at(2026, 3, 9, 9))
    for hour in (10, 14):
        clock.move_to(at(2026, 3, 9, hour))
        two = s.dossier_request_supplement(
            dossier=two, user=staff.counter_a, items=[{"name": "Tờ khai", "reason": "sai"}]
        )
        clock.move_to(at(2026, 3, 9, hour + 1))
        two = s.dossier_complete_supplement(dossier=two, user=staff.counter_a)
    two = s.step_assign(dossier=two, user=staff.counter_a, assignee=staff.specialist_a)
    finish(two, staff, clock, at(2026, 3, 10, 10))
    i = figures(staff, *MARCH)
    assert (i.finished_early, i.finished_on_time, i.finished_late) == (0, 1, 1)
    assert i.counts.one_supplement == 1
    assert i.counts.more_supplements == 1
    # In progress: the second request (9/3 14:00) makes the dossier late at once, so at
    # the end of 9/3 one dossier is in progress late.
    nine = figures(staff, *day(dt.date(2026, 3, 9)))
    assert (nine.in_progress, nine.in_progress_late) == (2, 1)
    rebuild_matches()


def test_waiting_for_a_supplement_keeps_the_state_of_the_day_it_was_asked(submit, staff, clock):
    # Received 9/3, due 12/3; supplement asked 10/3 (on time) and still outstanding on
    # 20/3: not late (the wait is subtracted).
    d = assigned(submit, staff, clock, at(2026, 3, 9, 9))
    clock.move_to(at(2026, 3, 10, 9))
    s.dossier_request_supplement(
        dossier=d, user=staff.specialist_a, items=[{"name": "Tờ khai", "reason": "sai"}]
    )
    # Another one asked on 13/3, after its due date: late, and stays late while waiting.
    late = assigned(submit, staff, clock, at(2026, 3, 9, 9))
    clock.move_to(at(2026, 3, 13, 9))
    s.dossier_request_supplement(
        dossier=late, user=staff.specialist_a, items=[{"name": "Tờ khai", "reason": "sai"}]
    )
    i = figures(staff, *day(dt.date(2026, 3, 20)))
    assert (i.in_progress, i.in_progress_late, i.in_progress_on_time) == (2, 1, 1)


# -- withdrawal -----------------------------------------------------------------------------------


def test_withdrawal_ends_the_clock(submit, staff, clock, rebuild_matches):
    # Received 9/3 (due 12/3), late from 13/3, withdrawn on 16/3.
    d = assigned(submit, staff, clock, at(2026, 3, 9, 9))
    clock.move_to(at(2026, 3, 16, 10))
    s.dossier_withdraw(dossier=d, user=staff.counter_a, reason="Công dân xin rút")
    # A dossier withdrawn before receipt was never received: not counted.
    s.dossier_withdraw(dossier=submit(), user=staff.counter_a, reason="Nộp nhầm")
    march = figures(staff, *MARCH)
    assert march.received == 1
    assert march.withdrawn == 1
    assert march.finished == 0
    # No outcome, in neither numerator nor denominator of the on-time rate.
    assert march.in_progress == 0
    assert march.on_time_rate is None
    # Before the withdrawal it was in progress, late from 13/3.
    assert figures(staff, *day(dt.date(2026, 3, 12))).in_progress_late == 0
    assert figures(staff, *day(dt.date(2026, 3, 13))).in_progress_late == 1
    assert figures(staff, *day(dt.date(2026, 3, 16))).in_progress == 0
    rebuild_matches()


def test_stopped_dossiers_leave_like_withdrawn_ones(submit, staff, clock):
    d = assigned(submit, staff, clock, at(2026, 3, 9, 9))
    clock.move_to(at(2026, 3, 10, 9))
    s.dossier_stop(dossier=d, user=staff.leader_a, reason="Theo yêu cầu của cơ quan điều tra")
    i = figures(staff, *MARCH)
    assert (i.received, i.stopped, i.in_progress, i.finished) == (1, 1, 0, 0)


# -- inter-agency -------------------------------------------------------------------------------


def test_an_inter_agency_dossier_is_counted_once(submit, staff, clock, rebuild_matches):
    d = assigned(submit, staff, clock, at(2026, 3, 9, 9))
    clock.move_to(at(2026, 3, 10, 9))
    d = s.dossier_transfer(
        dossier=d,
        user=staff.specialist_a,
        to_agency=staff.agency_b,
        task="Xác minh nơi cư trú",
        limit=TimeLimit("days", 1),
    )
    clock.move_to(at(2026, 3, 11, 9))
    d = s.request_answer(dossier=d, user=staff.counter_b, answer="Đã xác minh")
    finish(d, staff, clock, at(2026, 3, 11, 15))
    province = indicators_for(
        staff.provincial_leader, unit=staff.province, start=MARCH[0], end=MARCH[1]
    )
    assert (province.received, province.finished, province.finished_early) == (1, 1, 1)
    # Commune B did its part but the dossier is commune A's, once.
    b = indicators_for(staff.counter_b, unit=staff.commune_b, start=MARCH[0], end=MARCH[1])
    assert (b.received, b.finished, b.in_progress) == (0, 0, 0)
    rows = breakdown(
        slice_for(staff.provincial_leader, unit=staff.province), *MARCH, "competent_unit"
    )
    assert [(r.key, r.indicators.received) for r in rows] == [(staff.commune_a.pk, 1)]
    rebuild_matches()


# -- carried over and in progress (stocks) --------------------------------------------------------


def test_a_dossier_carried_over_from_last_month(submit, staff, clock, rebuild_matches):
    # Received Wed 25/2 09:00 → due Mon 2/3 09:00; finished Tue 3/3: late, in March.
    d = assigned(submit, staff, clock, at(2026, 2, 25, 9))
    finish(d, staff, clock, at(2026, 3, 3, 10))
    february = figures(staff, dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert (february.received, february.in_progress, february.in_progress_late) == (1, 1, 0)
    march = figures(staff, *MARCH)
    assert march.carried_over == 1
    assert march.received == 0
    assert march.handled == 1
    assert march.finished_late == 1
    assert march.in_progress == 0
    # On Mon 2/3 (the due date) still on time; on 3/3 it is finished.
    assert figures(staff, *day(dt.date(2026, 3, 2))).in_progress_late == 0
    rebuild_matches()


def test_in_progress_turns_late_the_day_after_the_due_date(submit, staff, clock):
    assigned(submit, staff, clock, at(2026, 3, 9, 9))  # due 12/3
    for date, late in ((11, 0), (12, 0), (13, 1), (31, 1)):
        i = figures(staff, *day(dt.date(2026, 3, date)))
        assert (i.in_progress, i.in_progress_late) == (1, late), date
    # A quarter ending later still counts it in progress and late at its end.
    q = figures(staff, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert (q.received, q.in_progress, q.in_progress_late, q.carried_over) == (1, 1, 1, 0)


# -- returned, apologies ------------------------------------------------------------------------


def test_returned_and_apologies(submit, staff, clock, rebuild_matches):
    d = assigned(submit, staff, clock, at(2026, 3, 9, 9))
    d = finish(d, staff, clock, at(2026, 3, 13, 9))  # late
    d = s.dossier_apologize(
        dossier=d, user=staff.leader_a, reason="Chờ xác minh", new_due_at=at(2026, 3, 16, 17)
    )
    clock.move_to(at(2026, 3, 16, 9))
    s.dossier_return(dossier=d, user=staff.counter_a)
    march = figures(staff, *MARCH)
    assert (march.apologies, march.returned, march.finished_late) == (1, 1, 1)
    # The apology's new date does not make it on time (statistics keep the original).
    assert march.on_time_rate == D("0.00")
    assert figures(staff, *day(dt.date(2026, 3, 16))).returned == 1
    rebuild_matches()


# -- online, payment, digitisation, electronic result -----------------------------------------


def test_online_payment_digitisation_and_electronic_results(
    submit, staff, clock, fee_procedure, rebuild_matches
):
    # 1: online, fee paid online, a component uploaded as a file, electronic result.
    clock.move_to(at(2026, 3, 9, 9))
    online = submit(
        channel=Channel.ONLINE,
        user=staff.citizen,
        owner=staff.citizen,
        procedure=fee_procedure,
        fee_paid_online=True,
    )
    DossierDocument(dossier=online, kind=DocumentKind.COMPONENT, name="to-khai.pdf").file.save(
        "to-khai.pdf", ContentFile(PDF), save=True
    )
    online = s.dossier_receive(dossier=online, user=staff.counter_a)
    online = s.step_assign(dossier=online, user=staff.counter_a, assignee=staff.specialist_a)
    finish(online, staff, clock, at(2026, 3, 10, 15))
    # 2: at the counter, fee paid in cash, no component file; result from the draft.
    counter = assigned(submit, staff, clock, at(2026, 3, 9, 10), procedure=fee_procedure)
    finish(counter, staff, clock, at(2026, 3, 10, 16))
    # 3: free procedure, assisted online submission, still in progress.
    digital_helper = officer_create(
        username="to_cong_nghe_so", password=None, full_name="Tổ CNS", agency=staff.agency_a
    )
    role_grant(user=digital_helper, role=Role.DIGITAL_HELPER, unit=staff.commune_a)
    helper = received(
        submit, staff, clock, at(2026, 3, 9, 11), channel=Channel.ASSISTED, user=digital_helper
    )
    i = figures(staff, *MARCH)
    assert i.received == 3
    assert i.received_online == 2  # online + assisted (a helper submits online)
    assert i.online_share == D("66.67")
    assert (i.counts.fee_bearing, i.counts.paid_online) == (2, 1)
    assert i.online_payment_share == D("50.00")
    assert (i.counts.digitised, i.counts.electronic_result, i.finished) == (1, 2, 2)
    assert i.digitisation_share == D("50.00")
    assert i.electronic_result_share == D("100.00")
    assert figures(staff, *MARCH, channel=Channel.ONLINE).received == 1
    assert helper.channel == Channel.ASSISTED
    rebuild_matches()


# -- processing time ----------------------------------------------------------------------------


def test_average_processing_time_in_days_rounded_half_up(submit, staff, clock):
    # 9/3 09:00 → 10/3 15:00 = 30 h and 9/3 09:00 → 11/3 09:00 = 48 h: (30 + 48) / 2 = 39 h
    # = 1.625 days → 1.63 (half up).
    a = assigned(submit, staff, clock, at(2026, 3, 9, 9))
    b = assigned(submit, staff, clock, at(2026, 3, 9, 9))
    finish(a, staff, clock, at(2026, 3, 10, 15))
    finish(b, staff, clock, at(2026, 3, 11, 9))
    i = figures(staff, *MARCH)
    assert i.counts.processing_seconds == 78 * 3600
    assert i.average_processing_days == D("1.63")


# -- the month, all indicators together --------------------------------------------------------


def test_every_indicator_of_the_month(march, rebuild_matches):
    i = figures(march, *MARCH)
    # Flows and stocks.
    assert i.carried_over == 1  # D1
    assert i.received == 7  # D2, D3, D4, D5, D6, D8, D9
    assert i.handled == 8
    assert (i.finished_early, i.finished_on_time, i.finished_late) == (
        2,
        1,
        2,
    )  # D2 D6 / D3 / D1 D4
    assert (i.in_progress, i.in_progress_on_time, i.in_progress_late) == (2, 1, 1)  # D9 / D8
    assert (i.withdrawn, i.refused, i.returned, i.apologies) == (1, 1, 2, 1)
    assert (i.stopped, i.rejected) == (0, 0)
    # Every dossier handled is accounted for: 1 + 7 = 5 finished + 1 withdrawn + 2 in progress.
    assert i.handled == i.finished + i.withdrawn + i.stopped + i.in_progress
    # Rates: (2 + 1 + 1) / (5 + 2) = 57.14%; late (2 + 1) / 7 = 42.86%.
    assert i.on_time_rate == D("57.14")
    assert i.late_rate == D("42.86")
    assert i.satisfaction == D("57.14")  # 100 − 42.86 − 0 complaints
    assert i.online_share == D("14.29")  # 1 / 7
    assert i.online_payment_share == D("50.00")  # D2 of D2, D8
    assert i.digitisation_share == D("20.00")  # D2 of 5 finished
    assert i.electronic_result_share == D("100.00")  # all 5 results are files
    # (522,000 + 108,000 + 370,800 + 90,000 + 194,400) s / 5 / 86,400 = 2.975 → 2.98 days.
    assert i.counts.processing_seconds == 1_285_200
    assert i.average_processing_days == D("2.98")
    # Decision 766 groups: progress 20 × 0.5714 = 11.43; online 12 × 14.29 / 50 = 3.43;
    # payment 10 × 50 / 50 = 10; satisfaction 18 × 0.5714 = 10.29; digitisation
    # 22 × (20/80 + 1) / 2 = 13.75; publicity not measured.
    assert i.scores_766.scores == {
        Group.PUBLICITY: None,
        Group.PROGRESS: D("11.43"),
        Group.ONLINE: D("3.43"),
        Group.PAYMENT: D("10.00"),
        Group.SATISFACTION: D("10.29"),
        Group.DIGITISATION: D("13.75"),
    }
    assert i.scores_766.total == D("48.90")
    assert i.scores_766.normalised == D("59.63")  # 48.90 × 100 / 82
    rebuild_matches()


def test_the_month_per_channel_and_per_officer(march):
    online = figures(march, *MARCH, channel=Channel.ONLINE)
    assert (online.received, online.finished_early) == (1, 1)
    # The officer in charge: the assignee, else the counter officer who received it.
    specialist = indicators_for(
        march.leader_a, officer=march.specialist_a, start=MARCH[0], end=MARCH[1]
    )
    counter = indicators_for(march.leader_a, officer=march.counter_a, start=MARCH[0], end=MARCH[1])
    # D1–D6 and D8 were assigned to the specialist; D9 only received by the counter.
    assert (specialist.finished, specialist.in_progress, specialist.withdrawn) == (5, 1, 1)
    assert (counter.finished, counter.in_progress) == (0, 1)
    # Receipts are the receiving officer's until assignment moves the dossier on:
    # the specialist's "received" counts receipts of dossiers already assigned (none).
    assert counter.received == 7
    assert counter.refused == 1


def test_rebuild_from_a_date_gives_the_same_facts(march, rebuild_matches):
    rebuild_matches(start=dt.date(2026, 3, 10))
    rebuild_matches(start=dt.date(2026, 3, 1))
    rebuild_matches()
    assert DailyFact.objects.exists()


# -- Circular 01/2018 ------------------------------------------------------------------------


def test_circular_01_scores_of_an_officer_and_an_agency(submit, staff, clock):
    # Two dossiers handled the same day they were received (every step on time):
    # criteria 1 = 2 (early), 2 = 2, 3 = 2, 4 = 2, 7 = 2 → 10 each; the officer's mean is
    # 10 → band "full" (100%).
    for _ in range(2):
        d = assigned(submit, staff, clock, at(2026, 3, 9, 9))
        finish(d, staff, clock, at(2026, 3, 9, 9, 30))
    # A third, late (13/3), with one supplement before: 1 = 0, 3 = 1, and its appraisal
    # step was late, 2 = 0 → 0 + 0 + 1 + 2 + 2 = 5.
    d = assigned(submit, staff, clock, at(2026, 3, 9, 9))
    clock.move_to(at(2026, 3, 9, 10))
    d = s.dossier_request_supplement(
        dossier=d, user=staff.specialist_a, items=[{"name": "CCCD", "reason": "mờ"}]
    )
    clock.move_to(at(2026, 3, 9, 11))
    d = s.dossier_complete_supplement(dossier=d, user=staff.counter_a)
    finish(d, staff, clock, at(2026, 3, 19, 9))
    i = indicators_for(staff.leader_a, officer=staff.specialist_a, start=MARCH[0], end=MARCH[1])
    assert (i.finished_early, i.finished_late, i.counts.unit_late) == (2, 1, 1)
    # (10 + 10 + 5) / 3 = 8.33 → ≥ 5: 100% of tasks.
    assert i.officer_score == D("8.33")
    assert (i.officer_band, i.officer_completion) == (OfficerBand.FULL, D("100"))
    # Agency: per dossier + criterion 6 (2): (12 + 12 + 7) / 3 = 10.33; + criteria 5 and 8
    # (2 + 2) + criterion 9 (no online dossier: 0) = 14.33 → good.
    a = figures(staff, *MARCH)
    assert a.agency_score == D("14.33")
    assert a.agency_band == AgencyBand.GOOD


# -- scoping ---------------------------------------------------------------------------------------


def test_scoping_of_the_selector(submit, staff, clock):
    received(submit, staff, clock, at(2026, 3, 9, 9))
    # A commune officer sees their commune; another commune is a 404.
    assert (
        indicators_for(staff.counter_a, unit=staff.commune_a, start=MARCH[0], end=MARCH[1]).received
        == 1
    )
    with pytest.raises(Http404):
        indicators_for(staff.counter_b, unit=staff.commune_a, start=MARCH[0], end=MARCH[1])
    with pytest.raises(Http404):
        indicators_for(staff.counter_a, unit=staff.province, start=MARCH[0], end=MARCH[1])
    # Without a unit: whatever the caller serves.
    assert indicators_for(staff.counter_b, start=MARCH[0], end=MARCH[1]).received == 0
    assert indicators_for(staff.counter_a, start=MARCH[0], end=MARCH[1]).received == 1
    # The province (and its inspector) sees its communes.
    assert (
        indicators_for(staff.inspector, unit=staff.province, start=MARCH[0], end=MARCH[1]).received
        == 1
    )
    assert (
        indicators_for(
            staff.provincial_leader, unit=staff.commune_a, start=MARCH[0], end=MARCH[1]
        ).received
        == 1
    )
    # Another province's officer, a citizen: nothing.
    with pytest.raises(Http404):
        indicators_for(staff.outsider, unit=staff.province, start=MARCH[0], end=MARCH[1])
    with pytest.raises(Http404):
        indicators_for(staff.citizen, start=MARCH[0], end=MARCH[1])
    # An officer of another commune cannot be looked at.
    with pytest.raises(Http404):
        indicators_for(staff.counter_b, officer=staff.counter_a, start=MARCH[0], end=MARCH[1])


def test_receiving_basis_counts_the_desk_that_received(submit, staff, clock):
    # Commune A's desk receives a dossier that commune B decides (Decree 118/2025).
    clock.move_to(at(2026, 3, 9, 9))
    d = submit(competent_agency=staff.agency_b)
    s.dossier_receive(dossier=d, user=staff.counter_a)
    assert figures(staff, *MARCH).received == 0
    assert figures(staff, *MARCH, basis="receiving").received == 1
    b = indicators_for(staff.provincial_leader, unit=staff.commune_b, start=MARCH[0], end=MARCH[1])
    assert b.received == 1
