"""Notifications through the dossier lifecycle, over a real SMTP server on loopback."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection, transaction

from motcua.dossiers import services as s
from motcua.dossiers.models import Action, ApplicantKind
from motcua.dossiers.public import status_url
from motcua.dossiers.services import Applicant
from motcua.notify.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
    NotifyChannel,
    SmsOutbox,
)
from motcua.notify.services import notification_send, notifications_retry
from motcua.notify.tasks import send_notification
from tests.dossiers.conftest import APPLICANT, PDF, at
from tests.notify.conftest import Inbox, smtp_mailer

EMAIL = "ngoc.anh@example.vn"
PHONE = "0912345678"
REACHABLE = Applicant(
    name=APPLICANT.name,
    id_number=APPLICANT.id_number,
    phone=PHONE,
    email=EMAIL,
    address=APPLICANT.address,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what a service leaves for after commit, as the committed transaction would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def to_processing(submit, staff, after_commit):
    d = submit(applicant=REACHABLE)
    d = after_commit(s.dossier_receive, dossier=d, user=staff.counter_a)
    return s.step_assign(dossier=d, user=staff.counter_a, assignee=staff.specialist_a)


def test_the_lifecycle_sends_one_vietnamese_email_per_step_with_the_right_appointment(
    submit, staff, clock, smtp, after_commit
):
    d = to_processing(submit, staff, after_commit)
    clock.move_to(at(2026, 3, 10, 9, 0))
    d = after_commit(
        s.dossier_request_supplement,
        dossier=d,
        user=staff.specialist_a,
        items=[{"name": "Bản sao Giấy chứng sinh", "reason": "bản chụp bị mờ"}],
        guidance="Nộp bản sao có chứng thực.",
    )
    clock.move_to(at(2026, 3, 11, 14, 0))
    d = s.dossier_complete_supplement(dossier=d, user=staff.counter_a)
    assert d.due_at == at(2026, 3, 16, 14, 0)
    d = after_commit(
        s.dossier_apologize,
        dossier=d,
        user=staff.leader_a,
        reason="Chờ kết quả xác minh của Công an xã",
        new_due_at=at(2026, 3, 20, 17, 0),
    )
    d = s.dossier_propose_result(
        dossier=d, user=staff.specialist_a, file_name="kq.pdf", content=PDF
    )
    d = s.dossier_approve(dossier=d, user=staff.leader_a)
    d = after_commit(s.dossier_mark_result_ready, dossier=d, user=staff.counter_a)
    after_commit(s.dossier_return, dossier=d, user=staff.counter_a)

    mails = smtp.to(EMAIL)
    assert [m["Subject"] for m in mails] == [
        f"[Một cửa] Hồ sơ {d.code} đã được tiếp nhận",
        f"[Một cửa] Hồ sơ {d.code} cần bổ sung, hoàn thiện",
        f"[Một cửa] Xin lỗi và hẹn lại ngày trả kết quả hồ sơ {d.code}",
        f"[Một cửa] Hồ sơ {d.code} đã có kết quả",
    ]
    received, supplement, apology, ready = (Inbox.text(m) for m in mails)
    assert "Kính gửi Ông/Bà Nguyễn Thị Ngọc Ánh" in received
    assert "Thủ tục: Đăng ký khai sinh" in received
    assert "Thời gian hẹn trả kết quả: 12/03/2026 09:00" in received
    assert "- Bản sao Giấy chứng sinh: bản chụp bị mờ" in supplement
    assert "Hướng dẫn: Nộp bản sao có chứng thực." in supplement
    assert "chưa được giải quyết đúng thời hạn đã hẹn (16/03/2026 14:00)" in apology
    assert "Lý do: Chờ kết quả xác minh của Công an xã" in apology
    assert "Thời gian hẹn trả kết quả mới: 20/03/2026 17:00" in apology
    assert "đã có kết quả" in ready
    assert d.receiving_agency.name in ready
    for mail in mails:
        text = Inbox.text(mail)
        assert status_url(d.code) in text
        assert APPLICANT.id_number not in text
        assert APPLICANT.id_number not in mail["Subject"]
        assert mail["Auto-Submitted"] == "auto-generated"
        assert mail["From"] == "Một cửa Huế <mot-cua@hue.gov.vn.invalid>"
    # One message per notification, each sent once; nothing for submit, assign, return.
    assert len({m["Message-ID"] for m in mails}) == 4
    emails = Notification.objects.filter(dossier=d, channel=NotifyChannel.EMAIL)
    assert sorted(emails.values_list("kind", flat=True)) == sorted(NotificationKind.values)
    assert set(emails.values_list("status", "attempts")) == {(NotificationStatus.SENT, 1)}


def test_sms_land_in_the_outbox_once_each_without_the_id_number(
    submit, staff, clock, smtp, after_commit
):
    d = to_processing(submit, staff, after_commit)
    d = after_commit(
        s.dossier_apologize,
        dossier=d,
        user=staff.leader_a,
        reason="Chờ xác minh",
        new_due_at=at(2026, 3, 17, 17, 0),
    )
    sms = list(SmsOutbox.objects.order_by("id"))
    assert [m.phone for m in sms] == [PHONE, PHONE]
    assert sms[0].body == (
        f"Hồ sơ {d.code} (Đăng ký khai sinh) đã được tiếp nhận. Hẹn trả kết quả: "
        f"12/03/2026 09:00. Tra cứu: {status_url(d.code)}"
    )
    assert "Hẹn trả kết quả mới: 17/03/2026 17:00" in sms[1].body
    assert all(APPLICANT.id_number not in m.body for m in sms)
    assert set(
        Notification.objects.filter(channel=NotifyChannel.SMS).values_list("status", flat=True)
    ) == {NotificationStatus.SENT}
    # A retried task after success sends nothing more.
    for notification in Notification.objects.all():
        send_notification.enqueue(notification.pk)
    assert SmsOutbox.objects.count() == 2
    assert len(smtp.messages) == 2


def test_a_message_the_server_refuses_once_is_retried_and_arrives_exactly_once(
    submit, staff, clock, smtp, after_commit
):
    smtp.refuse_next = 1
    d = after_commit(s.dossier_receive, dossier=submit(applicant=REACHABLE), user=staff.counter_a)
    assert smtp.refused == 1
    assert len(smtp.to(EMAIL)) == 1
    notification = Notification.objects.get(dossier=d, channel=NotifyChannel.EMAIL)
    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 2
    assert notification.sent_at is not None
    # Any later run of the task, the sweep, or a second worker finds nothing to do.
    assert notification_send(notification_id=notification.pk) == "skipped"
    send_notification.enqueue(notification.pk)
    assert notifications_retry() == 0
    assert len(smtp.to(EMAIL)) == 1


def test_an_unreachable_server_fails_for_good_then_the_retry_command_delivers_once(
    submit, staff, clock, settings, smtp_server, after_commit
):
    from tests.notify.conftest import free_port

    settings.MAILERS = smtp_mailer(free_port())  # nobody listens there
    settings.MOTCUA_NOTIFY_MAX_ATTEMPTS = 3
    d = after_commit(s.dossier_receive, dossier=submit(applicant=REACHABLE), user=staff.counter_a)
    notification = Notification.objects.get(dossier=d, channel=NotifyChannel.EMAIL)
    assert notification.status == NotificationStatus.FAILED
    assert notification.attempts == 3
    assert "ConnectionRefusedError" in notification.last_error
    assert notifications_retry() == 0  # failed rows wait for an operator

    settings.MAILERS = smtp_mailer(smtp_server.port)
    call_command("notify_retry", "--failed")
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert len(smtp_server.to(EMAIL)) == 1
    call_command("notify_retry", "--failed")
    assert len(smtp_server.to(EMAIL)) == 1


def test_a_failed_attempt_is_retried_later_with_backoff_on_a_deferring_backend(
    submit, staff, clock, settings, smtp, after_commit
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    backend = send_notification.get_backend()
    smtp.refuse_next = 1
    d = after_commit(s.dossier_receive, dossier=submit(applicant=REACHABLE), user=staff.counter_a)
    notification = Notification.objects.get(dossier=d, channel=NotifyChannel.EMAIL)
    first = [r for r in backend.results if r.args == [notification.pk]]
    assert len(first) == 1 and first[0].task.run_after is None
    assert send_notification.call(notification.pk) == "retry"
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    assert "451" in notification.last_error
    assert notification.next_attempt_at == at(2026, 3, 9, 9, 1)
    retry = [r for r in backend.results if r.args == [notification.pk]][-1]
    assert retry.task.run_after == at(2026, 3, 9, 9, 1)
    # Too early: the attempt waits for its moment.
    assert send_notification.call(notification.pk) == "skipped"
    clock.move_to(at(2026, 3, 9, 9, 1))
    assert send_notification.call(notification.pk) == "sent"
    assert len(smtp.to(EMAIL)) == 1


def test_no_notification_when_the_transaction_rolls_back(
    submit, staff, clock, smtp, django_capture_on_commit_callbacks
):
    d = submit(applicant=REACHABLE)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        s.dossier_receive(dossier=d, user=staff.counter_a)
        raise RuntimeError("the surrounding work failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not SmsOutbox.objects.exists()
    assert smtp.messages == []


def test_a_lost_enqueue_is_picked_up_by_the_retry_sweep(
    submit, staff, clock, smtp, django_capture_on_commit_callbacks
):
    # The process died between commit and enqueue: the rows are there, no task is.
    with django_capture_on_commit_callbacks(execute=False):
        d = s.dossier_receive(dossier=submit(applicant=REACHABLE), user=staff.counter_a)
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}
    assert notifications_retry() == 2
    assert len(smtp.to(EMAIL)) == 1
    assert SmsOutbox.objects.filter(phone=PHONE).count() == 1
    assert notifications_retry() == 0
    assert Notification.objects.get(dossier=d, channel=NotifyChannel.EMAIL).sent_at is not None


def test_only_the_four_actions_notify_and_only_on_channels_the_applicant_gave(
    submit, staff, clock, smtp, after_commit
):
    silent = after_commit(s.dossier_receive, dossier=submit(), user=staff.counter_a)
    by_email = Applicant(name="Công ty TNHH Hương Giang", email="vp@huonggiang.example.vn")
    company = submit(
        applicant=Applicant(**{**by_email.__dict__, "kind": ApplicantKind.ORGANISATION})
    )
    after_commit(s.dossier_refuse, dossier=company, user=staff.counter_a, reason="Sai thẩm quyền")
    assert not Notification.objects.filter(dossier=company).exists()
    assert list(Notification.objects.filter(dossier=silent).values_list("channel", flat=True)) == [
        NotifyChannel.SMS
    ]  # the fixture's applicant gave a phone, no e-mail
    other = submit(applicant=Applicant(**{**by_email.__dict__, "kind": ApplicantKind.ORGANISATION}))
    after_commit(s.dossier_receive, dossier=other, user=staff.counter_a)
    (mail,) = smtp.to("vp@huonggiang.example.vn")
    assert Inbox.text(mail).startswith("Kính gửi Công ty TNHH Hương Giang,")
    assert "hồ sơ của Quý cơ quan, tổ chức" in Inbox.text(mail)
    assert Notification.objects.get(dossier=other).event.action == Action.RECEIVE


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_both_send_one_notification(submit, staff, clock, smtp):
    d = s.dossier_receive(dossier=submit(applicant=REACHABLE), user=staff.counter_a)
    notification = Notification.objects.get(dossier=d, channel=NotifyChannel.EMAIL)
    assert len(smtp.to(EMAIL)) == 1  # sent on commit
    # Make it due again, then let two workers race for it against a slow server.
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.PENDING, sent_at=None
    )
    smtp.delay = 0.3
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            return notification_send(notification_id=notification.pk)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(f.result() for f in [pool.submit(worker), pool.submit(worker)])
    close_old_connections()
    assert outcomes == ["sent", "skipped"]
    assert len(smtp.to(EMAIL)) == 2  # the first send on commit, and one of the two workers
