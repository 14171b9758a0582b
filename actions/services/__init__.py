"""Writes of the action plans (see each module); the public names are re-exported here."""

from .actions import (
    ACTION_CONTENT_FIELDS,
    ACTION_FIELDS,
    FOLLOW_UP_FIELDS,
    ActionConflict,
    PlanningRows,
    action_create,
    action_delete,
    action_planning_save,
    action_update,
    awareness_report_add,
    note_add,
)
from .catalogue import catalogue_action_delete, catalogue_action_save, catalogue_load_starter
from .history import diff, history_record, snapshot
from .plans import (
    TRANSITIONS,
    adopted_message,
    allowed_transitions,
    axis_delete,
    axis_save,
    plan_create,
    plan_deliberation_file_attach,
    plan_new_version,
    plan_transition,
    plan_update,
)

__all__ = [
    "ACTION_CONTENT_FIELDS",
    "ACTION_FIELDS",
    "FOLLOW_UP_FIELDS",
    "TRANSITIONS",
    "ActionConflict",
    "PlanningRows",
    "action_create",
    "action_delete",
    "action_planning_save",
    "action_update",
    "adopted_message",
    "allowed_transitions",
    "awareness_report_add",
    "axis_delete",
    "axis_save",
    "catalogue_action_delete",
    "catalogue_action_save",
    "catalogue_load_starter",
    "diff",
    "history_record",
    "note_add",
    "plan_create",
    "plan_deliberation_file_attach",
    "plan_new_version",
    "plan_transition",
    "plan_update",
    "snapshot",
]
