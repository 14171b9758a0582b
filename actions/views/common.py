from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def posted_revision(request) -> int | None:
    """The revision of the action the posted page was made from (None: the page did not say, which the
    services refuse as out of date)."""
    revision = request.POST.get("revision", "")
    return int(revision) if revision.isdigit() else None


def conflict_message() -> str:
    return _(
        "Someone saved this action while you were editing it: your changes were not saved. "
        "Here is what changed; check it, then make your changes again."
    )


def conflict_shown(form, conflict) -> list:
    """Shows an ActionConflict on the form, keeping what the person typed; as they have now seen what
    changed, saving again starts from the current revision. Returns the changes to show."""
    form.add_error(None, conflict_message())
    form.data = form.data.copy()
    form.data["revision"] = conflict.current_revision
    return conflict.entries
