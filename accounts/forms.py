from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from .services import login_failure_record, login_failures_clear, login_is_locked

User = get_user_model()


class ThrottledAuthenticationForm(AuthenticationForm):
    """The standard login form, refusing attempts once an email or address has failed too often."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct email address and password. Both fields are case-sensitive."
        ),
        "locked": _("Too many failed sign-in attempts. Please wait %(minutes)d minutes before trying again."),
    }

    def clean(self):
        email = self.cleaned_data.get("username") or ""
        ip_address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        if email and login_is_locked(email=email, ip_address=ip_address):
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if email:
                login_failure_record(email=email, ip_address=ip_address)
            raise
        login_failures_clear(email=email)
        return cleaned


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name"]


class NewAccountForm(SetPasswordForm):
    """Sets the name and password of a person who accepts an invitation."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)

    field_order = ["full_name", "new_password1", "new_password2"]
