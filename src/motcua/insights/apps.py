from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "motcua.insights"
    label = "insights"
    verbose_name = _("Indicators and dashboards")

    def ready(self):
        # The facts follow every dossier event in the transaction that appends it
        # (ARCHITECTURE.md, "Data at scale"); dossiers imports nothing from insights.
        from motcua.dossiers.services.core import register_event_hook
        from motcua.insights.facts import apply_event

        register_event_hook(apply_event)
