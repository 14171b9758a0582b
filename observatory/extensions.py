"""What the observatory adds to the communes app (see communes.extensions)."""

from communes.extensions import CommuneSection, register_commune_section, register_demo_loader

from .demo import observatory_demo_load

register_demo_loader("observatory", observatory_demo_load)


def commune_observatory_section(commune, user) -> dict:
    return {"commune": commune}


register_commune_section(
    CommuneSection("observatory", "observatory/commune_section.html", commune_observatory_section)
)
