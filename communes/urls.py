from django.urls import path

from . import views

app_name = "communes"

# The portfolio and the commune page (`communes:portfolio`, `communes:detail`) show every app's part
# of a commune: they live in reporting/views/communes.py, put in this namespace by pcl/urls.py.

urlpatterns = [
    path("communes/", views.commune_list, name="list"),
    path("communes/<str:insee_code>/edit/", views.commune_edit, name="edit"),
    path("communes/<str:insee_code>/invite/", views.commune_invite, name="invite"),
    path(
        "communes/<str:insee_code>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "communes/<str:insee_code>/members/<int:membership_id>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export.csv", views.audit_log_export, name="audit_log_export"),
    path("signatories/", views.signatory_list, name="signatories"),
    path("signatories/new/", views.signatory_edit, name="signatory_create"),
    path("signatories/<int:signatory_id>/edit/", views.signatory_edit, name="signatory_edit"),
]
