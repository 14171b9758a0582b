"""Check constraints that are cheap to validate in `full_clean()`.

Django validates a check constraint by running `SELECT 1 WHERE <condition>` with *every* field of the
instance bound into the query, inside a savepoint. On a model of forty fields with half a dozen
constraints, building those queries was most of the time `action_create` spent (and most of the demo
load). The database constraint is unchanged; only its validation binds just the fields it reads.
"""

from django.db import DEFAULT_DB_ALIAS, models


class CheckConstraint(models.CheckConstraint):
    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        read = {reference[0] for reference in model._get_expr_references(self.condition)}
        unread = {
            name
            for field in model._meta.local_fields
            for name in (field.name, field.attname)
            if field.name not in read and field.attname not in read
        }
        if "pk" not in read:
            unread.add("pk")
        super().validate(model, instance, exclude={*(exclude or ()), *unread}, using=using)

    def deconstruct(self):
        # The same database constraint as Django's: migrations keep naming Django's class, so switching
        # a model to this one writes no migration.
        path, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs
