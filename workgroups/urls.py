from django.urls import path

from . import views

app_name = "workgroups"

urlpatterns = [
    path("communes/<str:insee_code>/group/", views.group, name="group"),
    path("communes/<str:insee_code>/group/setup/", views.group_setup, name="group_setup"),
    path("communes/<str:insee_code>/group/edit/", views.group_edit, name="group_edit"),
    path("communes/<str:insee_code>/group/members/new/", views.member_edit, name="member_create"),
    path("communes/<str:insee_code>/group/members/<int:member_id>/", views.member_edit, name="member_edit"),
    path("communes/<str:insee_code>/group/meetings/new/", views.meeting_edit, name="meeting_create"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_id>/decisions/", views.decision_add, name="decision_add"),
    path("decisions/<int:decision_id>/edit/", views.decision_edit, name="decision_edit"),
    path("decisions/<int:decision_id>/delete/", views.decision_delete, name="decision_delete"),
    path("meetings/<int:meeting_id>/documents/", views.document_add, name="document_add"),
    path("meetings/<int:meeting_id>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("documents/<int:document_id>/", views.document, name="document"),
    path("workgroups/calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
    path("workgroups/reminders/", views.reminders, name="reminders"),
]
