from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address.

    Roles in communes are held through `communes.Membership`, roles over a whole territory (its
    officer) through `communes.TerritoryRole`; the administrator (`is_superuser`) is platform-wide.
    An advisor works for an energy agency (`agency`), which serves one or more territories.
    """

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    agency = models.ForeignKey(
        "communes.Agency",
        verbose_name=_("energy agency"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("For an advisor: the agency they work for; they follow communes of its territories."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Can sign in to the administration site.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", _("Sign-in")
    SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
    LOCKOUT = "lockout", _("Sign-in locked")
    ROLE_GRANTED = "role_granted", _("Role granted")
    ROLE_CHANGED = "role_changed", _("Role changed")
    ROLE_WITHDRAWN = "role_withdrawn", _("Role withdrawn")
    NETWORK_ROLE_CHANGED = "network_role_changed", _("Network-wide role changed")
    INVITATION_SENT = "invitation_sent", _("Invitation sent")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation withdrawn")
    PUBLISHED = "published", _("Publication")
    DELETED = "deleted", _("Deletion")


# What an event of the log is about, when it names an object (details["object"]).
AUDIT_OBJECTS = {
    "action": _("action"),
    "axis": _("plan axis"),
    "catalogue_entry": _("catalogue action"),
    "decision": _("working group decision"),
    "letter": _("letter"),
    "plan": _("action plan"),
    "user": _("account"),
}


class AuditEvent(models.Model):
    """Who did what, when and from where: sign-ins, roles, invitations, publications, deletions.

    Written by the services that do those things (`accounts.services.audit_record`), never edited nor
    deleted: the administration shows it read-only. Texts are copied (the actor's email, the target's
    description), so an event still reads right once its account or object is gone."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_email = models.EmailField(_("person's email"), blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    target = models.CharField(_("on"), max_length=300, blank=True)
    commune = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("commune"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["action", "-at"], name="accounts_audit_action_at")]

    def __str__(self):
        return f"{self.get_action_display()} — {self.actor_email or self.target}"

    @property
    def object_label(self) -> str:
        return str(AUDIT_OBJECTS.get(self.details.get("object"), ""))


class ApiToken(models.Model):
    """A personal token for the API (`Authorization: Bearer <token>`): the person who creates it reads and
    writes through it what their roles allow on the pages. Only its SHA-256 digest is stored; the token
    itself is shown once, at its creation. Revoking keeps the row (who made it, when it was last used)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What it is for, e.g. “GIS team export”."))
    prefix = models.CharField(_("begins with"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
