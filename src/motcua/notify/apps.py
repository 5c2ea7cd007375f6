from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "motcua.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self):
        from motcua.dossiers.services.core import register_event_hook
        from motcua.notify import checks  # noqa: F401 - registers the system checks
        from motcua.notify.services import on_dossier_event

        register_event_hook(on_dossier_event)
