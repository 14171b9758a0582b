"""What reporting adds to the commune page (see communes.extensions): its dashboard and documents."""

from communes.extensions import CommuneSection, register_commune_section

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
