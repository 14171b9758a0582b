"""Model fields whose form fields read numbers the French way in every language (pcl.forms).

They are Django's DecimalField for the database and the migrations (`deconstruct` names Django's
class), so swapping them in changes no schema; only `formfield()` differs, for every ModelForm, the
admin and `Model._meta.get_field(name).formfield()` alike."""

from django.db import models

from pcl import forms as pcl_forms


class DecimalField(models.DecimalField):
    """A quantity or a rate: the form shows its significant decimals ("12,5", "1 234")."""

    money = False

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": pcl_forms.DecimalField, "money": self.money, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


class MoneyField(DecimalField):
    """An amount in euros: the form always shows the cents ("1 234,50")."""

    money = True
