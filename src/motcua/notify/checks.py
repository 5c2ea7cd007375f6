"""System checks for notifications: settings that would send nothing, or fail every time."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

from motcua.notify.sms import DEFAULT_GATEWAY


@register(Tags.compatibility)
def notify_configuration(app_configs, **kwargs):
    problems = []
    path = getattr(settings, "MOTCUA_SMS_GATEWAY", "") or DEFAULT_GATEWAY
    try:
        import_string(path)
    except ImportError as error:
        problems.append(
            Error(f"MOTCUA_SMS_GATEWAY={path!r} cannot be imported: {error}", id="notify.E001")
        )
    demo = getattr(settings, "DEMO", False) or settings.DEBUG
    if not demo and path == DEFAULT_GATEWAY:
        problems.append(
            Warning(
                "SMS notifications go to the development outbox (MOTCUA_SMS_GATEWAY unset): "
                "applicants receive no SMS.",
                id="notify.W001",
            )
        )
    sender = settings.DEFAULT_FROM_EMAIL.strip().rstrip(">")
    if not demo and (sender.endswith("@localhost") or sender == "webmaster@localhost"):
        problems.append(
            Warning(
                "DEFAULT_FROM_EMAIL is a placeholder (…@localhost): set the center's address.",
                id="notify.W002",
            )
        )
    return problems
