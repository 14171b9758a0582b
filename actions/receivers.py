"""Every write to what the plan page and the "to update" list read replaces the actions' cache version
(cache.py)."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from .cache import actions_changed
from .models import Action, ActionPlan, BudgetLine, HistoryEntry, Milestone, PlanAxis, Theme

# HistoryEntry: every change the action services make to an action, also those written with an UPDATE
# that sends no post_save (the revision and `updated_at` of services.actions._touch).
READ = (ActionPlan, Action, Milestone, BudgetLine, HistoryEntry, PlanAxis, Theme)


def _changed(sender, **kwargs):
    actions_changed()


def _person_changed(sender, update_fields=None, **kwargs):
    """A name or email names the actions the person is responsible for; a sign-in (last_login) does not."""
    if update_fields is None or {"full_name", "email"} & set(update_fields):
        actions_changed()


for model in READ:
    post_save.connect(_changed, sender=model, dispatch_uid=f"actions_cache_saved_{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"actions_cache_deleted_{model.__name__}")
post_save.connect(_person_changed, sender=get_user_model(), dispatch_uid="actions_cache_person_saved")
post_delete.connect(_changed, sender=get_user_model(), dispatch_uid="actions_cache_person_deleted")
