"""The public pages' addresses: stable, since others link to them and reuse the open data.

Each family in its own module: the pages (plans, territories, letters, sitemap) in `pages`, the open
observatory and the open data in `data`."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("public/", views.index, name="index"),
    path("public/communes/<str:insee_code>/", views.commune_plan, name="commune_plan"),
    path("public/communes/<str:insee_code>/plan-v<int:version>/", views.plan_version, name="plan_version"),
]
