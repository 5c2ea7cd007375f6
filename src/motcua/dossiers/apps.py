from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self):
        from motcua.dossiers.services.deadlines import deadlines_recompute
        from motcua.workdays.services import register_recompute

        register_recompute(deadlines_recompute)
