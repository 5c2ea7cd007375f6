"""Background work for notifications (django.tasks; the database worker runs it)."""

from django.tasks import task

from motcua.notify.services import notification_send


@task()
def send_notification(notification_id: int) -> str:
    """Send one notification; safe to run any number of times (see services)."""
    return notification_send(notification_id=notification_id)
