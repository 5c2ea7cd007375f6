"""Concurrent actions on one dossier: exactly one wins. Concurrent submissions: distinct,
consecutive codes. Real threads with their own database connections, on SQLite (WAL,
BEGIN IMMEDIATE) and on PostgreSQL (SELECT … FOR UPDATE)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection

from motcua.dossiers import services as s
from motcua.dossiers.errors import Conflict, Refused
from motcua.dossiers.models import Channel, Dossier, DossierEvent, State
from motcua.dossiers.verify import verify_all
from tests.dossiers.conftest import APPLICANT, PDF

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(function):
    def run(*args):
        try:
            return function(*args)
        finally:
            connection.close()

    return run


def test_two_concurrent_decisions_exactly_one_wins(submit, staff, clock):
    d = submit()
    d = s.dossier_receive(dossier=d, user=staff.counter_a)
    d = s.step_assign(dossier=d, user=staff.counter_a, assignee=staff.specialist_a)
    d = s.dossier_propose_result(
        dossier=d, user=staff.specialist_a, file_name="kq.pdf", content=PDF
    )
    version = d.event_count
    barrier = threading.Barrier(2)

    @in_thread
    def approve():
        barrier.wait()
        return s.dossier_approve(dossier=d, user=staff.leader_a, version=version)

    @in_thread
    def reject():
        barrier.wait()
        return s.dossier_reject(dossier=d, user=staff.leader_a, reason="Thiếu", version=version)

    outcomes = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(approve), pool.submit(reject)]
        for future in futures:
            try:
                outcomes.append(future.result().state)
            except Conflict:
                outcomes.append("conflict")
    close_old_connections()
    assert sorted(outcomes, key=str).count("conflict") == 1
    winner = next(o for o in outcomes if o != "conflict")
    final = Dossier.objects.get(pk=d.pk)
    assert final.state == winner
    assert final.event_count == version + 1
    assert DossierEvent.objects.filter(dossier=d).count() == version + 1
    assert list(verify_all()) == []


def test_two_counter_officers_receiving_the_same_dossier(submit, staff, clock):
    d = submit()
    barrier = threading.Barrier(2)

    @in_thread
    def receive():
        barrier.wait()
        return s.dossier_receive(dossier=d, user=staff.counter_a)

    results = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(receive), pool.submit(receive)]:
            try:
                results.append(future.result().state)
            except Refused as error:
                results.append(error.code)
    assert sorted(results) == ["illegal_move", State.RECEIVED]
    assert Dossier.objects.get(pk=d.pk).event_count == 2


def test_fifty_concurrent_submissions_get_fifty_consecutive_codes(staff, procedure, clock):
    agency = staff.agency_a

    @in_thread
    def submit_one(number):
        return s.dossier_submit(
            procedure=procedure,
            receiving_agency=agency,
            applicant=APPLICANT,
            channel=Channel.COUNTER,
            user=staff.counter_a,
            idempotency_key=f"k-{number}",
        ).code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(submit_one, range(50)))
    assert len(set(codes)) == 50
    sequences = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert sequences == list(range(1, 51))
    assert all(code.startswith("000.01.30.H57-260309-") for code in codes)


def test_a_retried_submission_racing_itself_creates_one_dossier(staff, procedure, clock):
    barrier = threading.Barrier(4)

    @in_thread
    def submit_same(_):
        barrier.wait()
        return s.dossier_submit(
            procedure=procedure,
            receiving_agency=staff.agency_a,
            applicant=APPLICANT,
            channel=Channel.COUNTER,
            user=staff.counter_a,
            idempotency_key="retry-1",
        ).pk

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = set(pool.map(submit_same, range(4)))
    assert len(ids) == 1
    assert Dossier.objects.count() == 1
