from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("public/communes/<str:insee_code>/", views.commune_plan, name="commune_plan"),
    path("public/communes/<str:insee_code>/plan-v<int:version>/", views.plan_version, name="plan_version"),
]
