"""La Lettre du Plan Climat: assemble, edit, publish, send, print.

Each territory has its letter: its managers (its officers, the advisors of its communes, the
administrator) write it; its whole network reads the published issues. A draft is 404 to a reader, who
must not learn it exists; every letter of another territory is 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from communes import permissions
from communes.models import Territory
from communes.selectors import territory_choice
from pcl.pagination import paginate

from .. import letters, services
from ..forms import LetterForm, LetterPeriodForm, section_formset
from ..models import DocumentKind


def _error(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _managed_territories(user):
    """The territories whose letter the user writes (the administrator: every one)."""
    ids = permissions.network_territory_ids(user)
    territories = Territory.objects.order_by("name")
    return territories if ids is None else territories.filter(pk__in=sorted(ids))


@login_required
def letter_list(request):
    """One territory's letters (the selector offers the others the user reads)."""
    choice = territory_choice(request.user, request.GET.get("territory"))
    territory = choice.territory
    return render(
        request,
        "reporting/letter_list.html",
        {
            **paginate(request, letters.letters_for_user(request.user, territory=territory)),
            "territory": territory,
            "territory_choice": choice,
            "can_manage": territory is not None
            and permissions.can_manage_letters(request.user, territory.pk),
        },
    )


@login_required
def letter_new(request):
    permissions.require(permissions.can_manage_letters(request.user))
    territories = _managed_territories(request.user)
    if request.method == "POST":
        form = LetterPeriodForm(request.POST, territories=territories)
    else:
        chosen = request.GET.get("territory")
        territory = territories.filter(slug=chosen).first() if chosen else territories.first()
        permissions.require_found(territory is not None)
        form = LetterPeriodForm.for_last_quarter(territories=territories, territory=territory)
    if request.method == "POST" and form.is_valid():
        territory = form.cleaned_data["territory"]
        permissions.require(permissions.can_manage_letters(request.user, territory.pk))
        try:
            letter = letters.letter_assemble(
                territory=territory,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                title=form.cleaned_data["title"],
                editorial=form.cleaned_data["editorial"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Issue no. %(number)s is assembled: check it and edit it.") % {"number": letter.number},
            )
            return redirect("reporting:letter", letter.pk)
    return render(request, "reporting/letter_new.html", {"form": form})


@login_required
def letter_detail(request, letter_id):
    letter = letters.letter_for_user(request.user, letter_id)
    can_manage = permissions.can_manage_letters(request.user, letter.territory_id)
    return render(
        request,
        "reporting/letter_detail.html",
        {
            "letter": letter,
            "sections": list(letter.sections.all()),
            "can_manage": can_manage,
            "pdfs": letters.letter_pdfs(letter=letter),
            "recipient_count": len(letters.letter_recipients(territory=letter.territory))
            if can_manage and letter.can_be_sent
            else None,
        },
    )


@login_required
def letter_edit(request, letter_id):
    letter = letters.letter_for_user(request.user, letter_id)
    permissions.require(permissions.can_manage_letters(request.user, letter.territory_id))
    if letter.is_published:
        messages.error(request, _("This letter is published: it can no longer be changed."))
        return redirect("reporting:letter", letter.pk)
    if request.method == "POST":
        form = LetterForm(request.POST, instance=letter)
        formset = section_formset(letter, data=request.POST)
        if form.is_valid() and formset.is_valid():
            try:
                letters.letter_update(
                    letter=letter,
                    title=form.cleaned_data["title"],
                    editorial=form.cleaned_data["editorial"],
                    sections=formset.sections(),
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The letter is saved."))
                return redirect("reporting:letter", letter.pk)
    else:
        form = LetterForm(instance=letter)
        formset = section_formset(letter)
    return render(request, "reporting/letter_form.html", {"letter": letter, "form": form, "formset": formset})


def _managed_step(request, letter_id, step, success: str):
    """Publish or send: a manager's step on the letter, refused with its reason when it cannot be."""
    letter = letters.letter_for_user(request.user, letter_id)
    permissions.require(permissions.can_manage_letters(request.user, letter.territory_id))
    try:
        step(letter=letter, user=request.user)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, success)
    return redirect("reporting:letter", letter.pk)


@login_required
@require_POST
def letter_publish(request, letter_id):
    return _managed_step(
        request,
        letter_id,
        letters.letter_publish,
        _("The letter is published: the whole network can read it."),
    )


@login_required
@require_POST
def letter_send(request, letter_id):
    return _managed_step(
        request, letter_id, letters.letter_send, _("The letter is being sent to the network.")
    )


@login_required
@require_POST
def letter_pdf(request, letter_id):
    """Anyone who reads the letter may print it; the PDF is made by a job (progress on its page)."""
    letter = letters.letter_for_user(request.user, letter_id)
    try:
        document = services.document_request(kind=DocumentKind.LETTER, letter=letter, user=request.user)
    except ValidationError as error:  # the job queue is down
        _error(request, error)
        return redirect("reporting:letter", letter.pk)
    return redirect("reporting:document", document.pk)


# An email carries its styles in style attributes (mail clients drop style sheets): its preview allows
# inline styles and nothing else of the page's own (no script at all, no stylesheet, no font, no request).
EMAIL_PREVIEW_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}


@login_required
@csp_override(EMAIL_PREVIEW_CSP)
def letter_email_preview(request, letter_id):
    """The email as the network will receive it."""
    letter = letters.letter_for_user(request.user, letter_id)
    permissions.require(permissions.can_manage_letters(request.user, letter.territory_id))
    context = {
        "letter": letter,
        "sections": list(letter.sections.all()),
        "subject": letters.letter_email_subject(letter),
        "link": request.build_absolute_uri(reverse("reporting:letter", args=[letter.pk])),
    }
    return HttpResponse(render_to_string("reporting/email/letter.html", context))


urlpatterns = [
    path("reporting/letters/", letter_list, name="letters"),
    path("reporting/letters/new/", letter_new, name="letter_new"),
    path("reporting/letters/<int:letter_id>/", letter_detail, name="letter"),
    path("reporting/letters/<int:letter_id>/edit/", letter_edit, name="letter_edit"),
    path("reporting/letters/<int:letter_id>/publish/", letter_publish, name="letter_publish"),
    path("reporting/letters/<int:letter_id>/send/", letter_send, name="letter_send"),
    path("reporting/letters/<int:letter_id>/pdf/", letter_pdf, name="letter_pdf"),
    path("reporting/letters/<int:letter_id>/email/", letter_email_preview, name="letter_email"),
]
