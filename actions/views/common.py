from django.core.exceptions import ValidationError


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def posted_revision(request) -> int | None:
    """The revision of the action the posted page was made from (None: the page did not say, which the
    services refuse as out of date)."""
    revision = request.POST.get("revision", "")
    return int(revision) if revision.isdigit() else None
