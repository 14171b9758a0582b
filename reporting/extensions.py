"""What reporting adds to the commune page (see communes.extensions): its dashboard and documents."""

from django.urls import reverse
from django.utils.translation import gettext as _

from actions.hooks import PlanLink, register_plan_links
from communes.extensions import CommuneSection, register_commune_section, register_demo_loader

from .models import DocumentKind, DocumentStatus, GeneratedDocument


def commune_reporting_section(commune, user) -> dict:
    latest = (
        GeneratedDocument.objects.filter(
            commune=commune, kind=DocumentKind.DELIBERATION, status=DocumentStatus.DONE
        )
        .select_related("plan")
        .order_by("-is_frozen", "-created_at")
        .first()
    )
    return {"commune": commune, "latest_deliberation": latest}


register_commune_section(
    CommuneSection("reporting", "reporting/commune_section.html", commune_reporting_section)
)


def deliberation_links(plan, user) -> list[PlanLink]:
    url = reverse("reporting:commune_documents", args=[plan.commune.insee_code])
    return [
        PlanLink(
            label=_("Deliberation file (PDF, .docx)"), url=f"{url}#plan-{plan.pk}", icon="file-earmark-pdf"
        )
    ]


register_plan_links("reporting", deliberation_links)


def _letters_demo_load() -> None:
    from .demo import letters_demo_load

    letters_demo_load()


register_demo_loader("reporting", _letters_demo_load)
