"""Generated documents: ask for one, watch its progress, download it, see who made which version."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from actions.selectors import plan_for_user
from communes import permissions
from communes.selectors import territory_choice
from pcl.formatting import date_text
from pcl.pagination import paginate
from pcl.uploads import DOCX, PDF, attachment_response, content_type_of

from .. import selectors, services
from ..forms import DeliberationCouncilForm
from ..models import PLAN_KINDS, DocumentKind, DocumentStatus, GeneratedDocument


def _refused(request, error: ValidationError, *target):
    """A request for a document refused (the job queue is down...): the reason, back where it was asked."""
    for message in error.messages:
        messages.error(request, message)
    return redirect(*target)


def _year(request) -> int | None:
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        return None
    return year if 1990 <= year <= timezone.localdate().year else None


@login_required
def document_list(request):
    """Every document the user may see: the network's for network roles, their communes' otherwise."""
    documents = selectors.visible_documents(request.user, commune_insee=request.GET.get("commune", ""))
    can_network = permissions.can_generate_network_documents(request.user)
    return render(
        request,
        "reporting/document_list.html",
        {
            **paginate(request, documents),
            "can_network": can_network,
            # The territories whose network report the user may ask for.
            "network_territories": territory_choice(
                request.user, among=permissions.network_territory_ids(request.user)
            ).choices
            if can_network
            else [],
            "years": selectors.report_years(),
        },
    )


@login_required
def commune_documents(request, insee_code):
    commune = permissions.commune_for_user(request.user, insee_code)
    permissions.require_found(permissions.can_view_commune_documents(request.user, commune))
    context = selectors.commune_documents(commune=commune)
    context.update(paginate(request, context.pop("documents")))
    context["years"] = selectors.report_years()
    context["can_generate"] = permissions.can_generate_commune_documents(request.user, commune)
    for plan in context["plans"]:
        plan.council_form = None if plan.is_adopted else DeliberationCouncilForm(prefix=f"plan-{plan.pk}")
    return render(request, "reporting/commune_documents.html", context)


@login_required
@require_POST
def plan_document_request(request, plan_id, kind):
    plan = plan_for_user(request.user, plan_id)
    if kind not in PLAN_KINDS:
        raise Http404
    permissions.require(permissions.can_generate_commune_documents(request.user, plan.commune))
    council = {}
    if not plan.is_adopted:
        form = DeliberationCouncilForm(request.POST, prefix=f"plan-{plan.pk}")
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(
                f"{reverse('reporting:commune_documents', args=[plan.commune.insee_code])}#plan-{plan.pk}"
            )
        council = form.details()
    try:
        document = services.document_request(kind=kind, user=request.user, plan=plan, council=council)
    except ValidationError as error:
        return _refused(
            request,
            error,
            f"{reverse('reporting:commune_documents', args=[plan.commune.insee_code])}#plan-{plan.pk}",
        )
    return redirect("reporting:document", document.pk)


@login_required
@require_POST
def commune_report_request(request, insee_code):
    commune = permissions.commune_for_user(request.user, insee_code)
    permissions.require(permissions.can_generate_commune_documents(request.user, commune))
    year = _year(request)
    if year is None:
        return redirect("reporting:commune_documents", commune.insee_code)
    try:
        document = services.document_request(
            kind=DocumentKind.COMMUNE_REPORT, user=request.user, commune=commune, year=year
        )
    except ValidationError as error:
        return _refused(request, error, "reporting:commune_documents", commune.insee_code)
    return redirect("reporting:document", document.pk)


@login_required
@require_POST
def network_report_request(request):
    """A territory's network report (`territory`: its slug; another territory's is 404)."""
    permissions.require(permissions.can_generate_network_documents(request.user))
    territory = territory_choice(
        request.user, request.POST.get("territory"), among=permissions.network_territory_ids(request.user)
    ).territory
    permissions.require_found(
        territory is not None and permissions.can_generate_network_documents(request.user, territory.pk)
    )
    year = _year(request)
    if year is None:
        return redirect("reporting:documents")
    try:
        document = services.document_request(
            kind=DocumentKind.NETWORK_REPORT, user=request.user, year=year, territory=territory
        )
    except ValidationError as error:
        return _refused(request, error, "reporting:documents")
    return redirect("reporting:document", document.pk)


def _document_for_user(user, document_id) -> GeneratedDocument:
    document = get_object_or_404(
        GeneratedDocument.objects.select_related("commune", "plan", "letter", "requested_by"), pk=document_id
    )
    permissions.require_found(permissions.can_view_document(user, document))
    return document


@login_required
def document(request, document_id):
    document = _document_for_user(request.user, document_id)
    template = "reporting/document_progress.html" if request.htmx else "reporting/document_detail.html"
    stuck = services.document_is_stuck(document=document)
    context = {
        "document": document,
        # A job whose worker is gone shows as failed (not a bar spinning for ever), with its retry.
        "stuck": stuck,
        "can_retry": (stuck or document.status == DocumentStatus.FAILED)
        and permissions.can_retry_job(request.user, document.requested_by_id),
    }
    if document.is_frozen and document.plan is not None:
        context["vote_date"] = date_text(document.plan.deliberation_date)
        context["made_on"] = date_text(document.created_at)
    return render(request, template, context)


@login_required
@require_POST
def document_retry(request, document_id):
    """The person who asked for a document tries again when it failed or its job was lost."""
    document = _document_for_user(request.user, document_id)
    permissions.require(permissions.can_retry_job(request.user, document.requested_by_id))
    if services.document_can_retry(document=document):
        try:
            document = services.document_retry(document=document)
        except ValidationError as error:  # the job queue does not answer: nothing changed
            return _refused(request, error, "reporting:document", document.pk)
    return redirect("reporting:document", document.pk)


@login_required
def document_download(request, document_id):
    document = _document_for_user(request.user, document_id)
    if not document.is_ready:
        raise Http404
    return attachment_response(
        document.file.open("rb"),
        filename=document.download_name,
        content_type=content_type_of(document.download_name, (PDF, DOCX)),
        keep_case=True,
    )


urlpatterns = [
    path("reporting/documents/", document_list, name="documents"),
    path("reporting/documents/<int:document_id>/", document, name="document"),
    path("reporting/documents/<int:document_id>/retry/", document_retry, name="document_retry"),
    path("reporting/documents/<int:document_id>/download/", document_download, name="document_download"),
    path("reporting/network-report/", network_report_request, name="network_report_request"),
    path("communes/<str:insee_code>/documents/", commune_documents, name="commune_documents"),
    path(
        "communes/<str:insee_code>/documents/report/", commune_report_request, name="commune_report_request"
    ),
    path("plans/<int:plan_id>/documents/<str:kind>/", plan_document_request, name="plan_document_request"),
]
