from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.views import admin_login
from api.main import api
from communes import urls as communes_urls
from communes.views import home
from reporting.views import communes as commune_pages

from .health import health

admin.site.site_header = _("Plan Climat Local — administration")
admin.site.site_title = _("Plan Climat Local")

urlpatterns = [
    path("", home, name="home"),
    path("health/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the administration's own URLs: its login page is the site's throttled one.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    # One `communes:` namespace: the communes app's pages, and the two pages that show every app's
    # part of a commune (the portfolio, the commune page), which reporting serves since it reads them all.
    path("", include((communes_urls.urlpatterns + commune_pages.urlpatterns, "communes"))),
    path("", include("actions.urls")),
    path("", include("observatory.urls")),
    path("", include("workgroups.urls")),
    path("", include("reporting.urls")),
    path("", include("public.urls")),
    path("api/v1/", api.urls),
]

# Uploaded files (signed deliberations...) are never served as static media: views check
# permissions and stream them.

handler500 = "pcl.errors.server_error"
