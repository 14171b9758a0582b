from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from communes.views import home

from .health import health

admin.site.site_header = _("Plan Climat Local — administration")
admin.site.site_title = _("Plan Climat Local")

urlpatterns = [
    path("", home, name="home"),
    path("health/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("communes.urls")),
    path("", include("actions.urls")),
    path("", include("observatory.urls")),
    path("", include("workgroups.urls")),
    path("", include("reporting.urls")),
]

# Uploaded files (signed deliberations...) are never served as static media: views check
# permissions and stream them.
