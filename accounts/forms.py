from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from pcl.proxies import client_address
from pcl.widgets import DateInput

from .models import ApiToken, AuditAction
from .services import login_is_locked

User = get_user_model()


class ThrottledAuthenticationForm(AuthenticationForm):
    """The standard login form, saying so when an email or address has failed too often."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct email address and password. Both fields are case-sensitive."
        ),
        "locked": _("Too many failed sign-in attempts. Please wait %(minutes)d minutes before trying again."),
    }

    def clean(self):
        # The backend (accounts/backends.py) counts failures and refuses a locked email or address;
        # the form only tells the person why, instead of the usual "wrong password".
        email = self.cleaned_data.get("username") or ""
        ip_address = client_address(self.request) if self.request else ""
        try:
            return super().clean()
        except forms.ValidationError:
            if email and login_is_locked(email=email, ip_address=ip_address):
                raise forms.ValidationError(
                    self.error_messages["locked"],
                    code="locked",
                    params={"minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)},
                ) from None
            raise


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name"]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=ApiToken._meta.get_field("name").help_text,
    )


class NewAccountForm(SetPasswordForm):
    """Sets the name and password of a person who accepts an invitation."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)

    field_order = ["full_name", "new_password1", "new_password2"]


DATE_INPUT = DateInput()


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    person = forms.CharField(label=_("Person"), required=False, help_text=_("Name or email address"))
    since = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *AuditAction.choices]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "action" else "form-control"

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            raise forms.ValidationError(_("The end date comes before the start date."))
        return cleaned
