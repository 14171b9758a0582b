"""The territory that an installation's existing data moves into when territories arrive (the migrations
communes 0005, accounts 0003, observatory 0008 and reporting 0005 use it, with their historical models).

Before territories, a platform ran one network: Grenoble-Alpes Métropole's, whose EPCI held the
agglomeration's targets and its climate plan. Its data (communes, signatories, groups, targets, letters,
officers) all moves into one territory, made from that EPCI when there is one."""

METRO_SIREN = "200040715"
METRO = {
    "name": "Grenoble-Alpes Métropole",
    "slug": "grenoble-alpes-metropole",
    "siren": METRO_SIREN,
    "climate_plan_name": "Plan Climat Air Énergie Territorial de Grenoble-Alpes Métropole",
    "climate_plan_year": 2020,
    "reference_year": 2005,
}


def existing_data_territory(apps):
    """The territory of the data that was there before territories: the first one, made on first use."""
    territory_model = apps.get_model("communes", "Territory")
    territory = territory_model.objects.order_by("pk").first()
    if territory is not None:
        return territory
    fields = dict(METRO)
    epci_model = apps.get_model("communes", "Epci")
    epci_fields = {field.name for field in epci_model._meta.get_fields()}
    if "holds_agglomeration_targets" in epci_fields:
        epci = (
            epci_model.objects.filter(holds_agglomeration_targets=True).first()
            or epci_model.objects.filter(siren=METRO_SIREN).first()
        )
        if epci is not None:
            fields.update(name=epci.name, siren=epci.siren)
            if epci.climate_plan_name:
                fields.update(
                    climate_plan_name=epci.climate_plan_name, climate_plan_year=epci.climate_plan_year
                )
    return territory_model.objects.create(**fields)
