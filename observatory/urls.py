from django.urls import path

from . import views

app_name = "observatory"

urlpatterns = [
    path("observatory/", views.agglomeration, name="agglomeration"),
    path("observatory/export.csv", views.agglomeration_export, name="agglomeration_export"),
    path("observatory/data.csv", views.agglomeration_data, name="agglomeration_data"),
    path("observatory/outlines/<slug:slug>.geojson", views.territory_outlines, name="outlines"),
    path("observatory/communes/<str:insee_code>/", views.commune_observatory, name="commune"),
    path("observatory/communes/<str:insee_code>/export.csv", views.commune_export, name="commune_export"),
    path("observatory/communes/<str:insee_code>/data.csv", views.commune_data, name="commune_data"),
    path("observatory/imports/", views.import_list, name="imports"),
    path("observatory/imports/new/", views.import_new, name="import_new"),
    path("observatory/imports/<int:batch_id>/", views.import_detail, name="import_detail"),
    path("observatory/imports/<int:batch_id>/retry/", views.import_retry, name="import_retry"),
    path("observatory/imports/<int:batch_id>/errors.csv", views.import_errors, name="import_errors"),
    path("observatory/targets/", views.target_list, name="targets"),
    path("observatory/targets/new/", views.target_edit, name="target_create"),
    path("observatory/targets/<int:target_id>/edit/", views.target_edit, name="target_edit"),
]
