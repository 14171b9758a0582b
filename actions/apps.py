from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = _("Action plans")

    def ready(self):
        from . import extensions  # noqa: F401  registers the portfolio columns and commune-page section
