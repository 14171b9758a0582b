from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API, /api/v1/ (django-ninja): the published data to anyone, the rest to personal tokens,
    under the permission module of the pages (communes.permissions)."""

    name = "api"
    verbose_name = _("API")
