"""The public pages' addresses: stable, since others link to them and reuse the open data.

The pages (plans, territories, letters, sitemap) are served by `views`, the open observatory and the
open data by `data_views`."""

from django.urls import path

from . import data_views, views

app_name = "public"

urlpatterns = [
    path("public/", views.index, name="index"),
    path("public/communes/<str:insee_code>/", views.commune_plan, name="commune_plan"),
    path("public/communes/<str:insee_code>/plan-v<int:version>/", views.plan_version, name="plan_version"),
    path(
        "public/communes/<str:insee_code>/plan-v<int:version>/deliberation.pdf",
        views.plan_deliberation,
        name="plan_deliberation",
    ),
    path("public/territories/<slug:territory_slug>/", views.territory, name="territory"),
    path("public/territories/<slug:territory_slug>/letters/", views.letters, name="letters"),
    path(
        "public/territories/<slug:territory_slug>/letters/feed.atom", views.letters_feed, name="letters_feed"
    ),
    path("public/territories/<slug:territory_slug>/letters/<int:number>/", views.letter, name="letter"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots, name="robots"),
    # The open observatory and the open data.
    path("public/territories/<slug:territory_slug>/observatory/", data_views.observatory, name="observatory"),
    path(
        "public/territories/<slug:territory_slug>/observatory/outlines.geojson",
        data_views.observatory_outlines,
        name="observatory_outlines",
    ),
    path("open-data/", data_views.open_data, name="open_data"),
    path("open-data/datasets/<slug:code>.<str:fmt>", data_views.dataset_file, name="dataset_file"),
    path("open-data/plans/<str:insee_code>-v<int:version>.<str:fmt>", data_views.plan_file, name="plan_file"),
]
