from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "observatory"
    verbose_name = _("Observatory")

    def ready(self):
        from . import signals  # noqa: F401  a commune's values follow a change of its INSEE code
