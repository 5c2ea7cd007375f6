"""`manage.py check` on the notification settings."""

from motcua.notify.checks import notify_configuration


def ids(problems):
    return sorted(p.id for p in problems)


def test_an_sms_gateway_that_cannot_be_imported_is_an_error(settings):
    settings.DEMO = False
    settings.MOTCUA_SMS_GATEWAY = "motcua.notify.sms.NoSuchGateway"
    settings.DEFAULT_FROM_EMAIL = "Một cửa <motcua@hue.gov.vn>"
    assert ids(notify_configuration(None)) == ["notify.E001"]
    settings.MOTCUA_SMS_GATEWAY = "motcua.notify.sms.OutboxGateway"
    settings.DEFAULT_FROM_EMAIL = "motcua <no-reply@localhost>"
    assert ids(notify_configuration(None)) == ["notify.W001", "notify.W002"]
