from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """What anyone reads without signing in: the plans communes chose to publish, the territories' open
    observatories and letters, their open data, the sitemap. It reads the other apps through their
    public selectors (`published_plans`, `open_datasets`, `published_letters`) and nothing else."""

    name = "public"
    verbose_name = _("Public pages")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the letters' cache version to their writes)
