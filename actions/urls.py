from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    path("communes/<str:insee_code>/plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/status/<str:status>/", views.plan_transition, name="plan_transition"),
    path("plans/<int:plan_id>/deliberation/", views.plan_deliberation_file, name="plan_deliberation_file"),
    path(
        "plans/<int:plan_id>/deliberation/replaced/<int:replaced_id>/",
        views.plan_replaced_deliberation,
        name="plan_replaced_deliberation",
    ),
    path("plans/<int:plan_id>/publication/", views.plan_publication, name="plan_publication"),
    path("plans/<int:plan_id>/new-version/", views.plan_new_version, name="plan_new_version"),
    path("plans/<int:plan_id>/axes/", views.plan_axes, name="plan_axes"),
    path("plans/<int:plan_id>/axes/<int:axis_id>/delete/", views.axis_delete, name="axis_delete"),
    path("plans/<int:plan_id>/schedule/", views.plan_schedule, name="plan_schedule"),
    path("plans/<int:plan_id>/budget/", views.plan_budget, name="plan_budget"),
    path("plans/<int:plan_id>/history/", views.plan_history, name="plan_history"),
    path("plans/<int:plan_id>/export.<str:fmt>", views.plan_export, name="plan_export"),
    path("plans/<int:plan_id>/import/", views.plan_import, name="plan_import"),
    path("plans/<int:plan_id>/import/preview/", views.plan_import_preview, name="plan_import_preview"),
    path(
        "plans/<int:plan_id>/import/template.<str:fmt>",
        views.plan_import_template,
        name="plan_import_template",
    ),
    path("plans/<int:plan_id>/actions/new/", views.action_create, name="action_create"),
    path("actions/<int:action_id>/", views.action_detail, name="action"),
    path("actions/<int:action_id>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:action_id>/follow-up/", views.action_follow_up, name="action_follow_up"),
    path("to-update/", views.actions_to_update, name="to_update"),
    path("actions/<int:action_id>/planning/", views.action_planning, name="action_planning"),
    path("actions/<int:action_id>/budget/", views.action_budget, name="action_budget"),
    path("actions/<int:action_id>/notes/", views.action_note_add, name="action_note_add"),
    path("actions/<int:action_id>/awareness/", views.action_awareness_add, name="action_awareness_add"),
    path("actions/<int:action_id>/delete/", views.action_delete, name="action_delete"),
    path("catalogue/", views.catalogue_list, name="catalogue"),
    path("catalogue/new/", views.catalogue_edit, name="catalogue_create"),
    path("catalogue/<int:entry_id>/", views.catalogue_detail, name="catalogue_detail"),
    path("catalogue/<int:entry_id>/edit/", views.catalogue_edit, name="catalogue_edit"),
    path("catalogue/<int:entry_id>/delete/", views.catalogue_delete, name="catalogue_delete"),
    path("catalogue/<int:entry_id>/add-to-plan/", views.catalogue_add_to_plan, name="catalogue_add_to_plan"),
]
