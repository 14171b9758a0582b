"""The managed lists of the observatory (the regional observatory's), its datasets and the Grenoble
targets, as shipped with the platform (loaded by a data migration, editable afterwards)."""

SECTORS = [
    ("residential", "Résidentiel", "Residential"),
    ("tertiary", "Tertiaire", "Services"),
    ("industry", "Industrie", "Industry"),
    ("energy_branch", "Branche énergie", "Energy industry"),
    ("waste", "Déchets", "Waste"),
    ("road_transport", "Transport routier", "Road transport"),
    ("other_transport", "Autres transports", "Other transport"),
    ("agriculture", "Agriculture", "Agriculture"),
    ("unallocated", "Non affecté", "Unallocated"),
]

CARRIERS = [
    ("electricity", "Électricité", "Electricity"),
    ("natural_gas", "Gaz naturel", "Natural gas"),
    ("oil_products", "Produits pétroliers", "Oil products"),
    ("wood_energy", "Bois-énergie", "Wood energy"),
    ("district_heating", "Chauffage urbain", "District heating"),
    ("other_renewables", "Autres énergies renouvelables", "Other renewables"),
    ("coal", "Charbon", "Coal"),
    ("unidentified", "Non identifié", "Unidentified"),
]

SOURCES = [
    ("hydro", "Hydroélectricité", "Hydropower"),
    ("photovoltaic", "Photovoltaïque", "Solar photovoltaics"),
    ("wind", "Éolien", "Wind power"),
    ("solar_thermal", "Solaire thermique", "Solar thermal"),
    ("wood_energy", "Bois-énergie (biomasse solide)", "Wood energy (solid biomass)"),
    ("biogas", "Biogaz", "Biogas"),
    ("geothermal_heat_pumps", "Géothermie et pompes à chaleur", "Geothermal energy and heat pumps"),
    ("waste_heat_recovery", "Valorisation thermique des déchets", "Heat recovery from waste"),
]

DATASETS = [
    {
        "code": "orcae",
        "name": "ORCAE — consommations, émissions et productions par commune",
        "name_en": "ORCAE — consumption, emissions and production by commune",
        "producer": "Observatoire régional climat air énergie Auvergne-Rhône-Alpes (ORCAE)",
        "licence": "Conditions d'utilisation des données de l'ORCAE",
        "url": "https://www.orcae-auvergne-rhone-alpes.fr/",
        "description": "Séries par commune et par année ; l'année N-2 est consolidée, "
        "N-1 est estimée « (e) ».",
        "priority": 10,
    },
    {
        "code": "agence-ore",
        "name": "Agence ORE — consommation annuelle d'électricité et de gaz par commune",
        "name_en": "Agence ORE — yearly electricity and gas consumption by commune",
        "producer": "Agence ORE (Opérateurs de réseaux d'énergie)",
        "licence": "Licence Ouverte / Open Licence version 2.0",
        "url": "https://opendata.agenceore.fr/",
        "description": "Consommations mesurées par les gestionnaires de réseaux, "
        "par filière et grand secteur.",
        "priority": 20,
    },
    {
        "code": "demo",
        "name": "Données de démonstration (synthétiques)",
        "name_en": "Demonstration data (synthetic)",
        "producer": "Plateforme Plan Climat Local (générateur de démonstration)",
        "licence": "—",
        "description": "Séries inventées, calibrées sur les ordres de grandeur publics des agglomérations "
        "françaises. Elles ne décrivent aucune commune réelle.",
        "priority": 90,
        "is_demo": True,
    },
]

# Grenoble-Alpes Métropole's targets against 2005 (2009 charter, 2020 and 2030 plans).
TARGETS = [
    {
        "target_year": 2014,
        "ghg_reduction_pct": 14,
        "ghg_basis": "per_inhabitant",
        "consumption_reduction_pct": 14,
        "consumption_basis": "per_inhabitant",
        "renewable_share_pct": 14,
        "source": "Charte du Plan Climat Local, 2009",
    },
    {
        "target_year": 2020,
        "ghg_reduction_pct": 35,
        "ghg_basis": "total",
        "consumption_reduction_pct": 30,
        "consumption_basis": "per_inhabitant",
        "renewable_share_pct": 20,
        "source": "Plan Climat Air Énergie métropolitain",
    },
    {
        "target_year": 2030,
        "ghg_reduction_pct": 50,
        "ghg_basis": "total",
        "consumption_reduction_pct": 40,
        "consumption_basis": "total",
        "renewable_share_pct": 30,
        "source": "Plan Climat Air Énergie métropolitain adopté en février 2020",
    },
]
