"""Starter catalogue of standard actions for communes (catalogue d'actions-types).

Figures are typical orders of magnitude for a French commune of 5,000-20,000 inhabitants, for
demonstration and as a starting point; each commune adapts them. Costs are in euros excluding tax (HT),
gains per year once the action is complete.
"""

# Emission factors used to derive tco2e_avoided from mwh_saved (t CO2e per MWh of final energy):
# electricity in France ~0.055, natural gas ~0.227, fuel oil ~0.324, petrol/diesel ~0.27,
# renewable heat replacing gas ~0.2. Mixed uses (gas + electricity) use an intermediate factor.

THEMES = [  # (code, French name, English name), in display order
    ("municipal_buildings", "Bâtiments communaux", "Municipal buildings"),
    ("public_lighting", "Éclairage public", "Public lighting"),
    ("municipal_fleet", "Flotte de véhicules municipale", "Municipal vehicle fleet"),
    ("renewable_energy", "Énergies renouvelables", "Renewable energy"),
    ("mobility", "Mobilité", "Mobility"),
    ("planning_housing", "Urbanisme et habitat", "Planning and housing"),
    ("public_procurement", "Commande publique", "Public procurement"),
    ("awareness", "Sensibilisation et communication", "Awareness and communication"),
    ("water_waste", "Eau et déchets", "Water and waste"),
    ("agriculture_food", "Agriculture et alimentation", "Agriculture and food"),
    ("adaptation", "Adaptation au changement climatique", "Climate change adaptation"),
]

CATALOGUE = [
    # ------------------------------------------------------------------ municipal buildings
    {
        "title": "Audit énergétique du patrimoine communal",
        "description": (
            "Réaliser un état des lieux énergétique de l'ensemble des bâtiments communaux "
            "(consommations, état du bâti et des équipements) pour hiérarchiser les travaux. "
            "L'audit débouche sur un plan pluriannuel d'investissement chiffré, bâtiment par bâtiment. "
            "Il permet aussi de préparer les obligations du décret tertiaire pour les bâtiments de plus "
            "de 1 000 m². Écueil fréquent : un audit qui reste dans un tiroir faute de budget et de "
            "pilote désigné pour sa mise en œuvre."
        ),
        "theme": "municipal_buildings",
        "target": "assets",
        "cost_min": 10000,
        "cost_max": 40000,
        "mwh_saved": None,
        "tco2e_avoided": None,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 6,
        "indicators": [
            "Part de la surface du patrimoine auditée (%)",
            "Nombre de bâtiments dotés d'un programme de travaux chiffré",
            "Montant des travaux programmés (€ HT)",
        ],
        "sources": (
            "ADEME (audits énergétiques des collectivités), programme ACTEE de la FNCCR, "
            "Territoires en transitions (référentiel Climat Air Énergie), "
            "ALEC du territoire"
        ),
    },
    {
        "title": "Suivi des consommations énergétiques (conseil en énergie partagé)",
        "description": (
            "Confier à un conseiller en énergie partagé (CEP), mutualisé entre communes, le suivi "
            "mensuel des factures et des consommations d'énergie et d'eau du patrimoine communal. "
            "Le conseiller repère les dérives, propose des réglages et des travaux simples, et "
            "produit un bilan annuel présenté aux élus. Le coût indiqué est annuel, souvent de l'ordre "
            "de 1 € par habitant. Un référent technique et un élu désignés dans la commune sont "
            "indispensables pour que les préconisations soient suivies d'effet."
        ),
        "theme": "municipal_buildings",
        "target": "assets",
        "cost_min": 5000,
        "cost_max": 20000,
        "mwh_saved": 200.0,
        "tco2e_avoided": 30.0,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 36,
        "indicators": [
            "Consommation d'énergie du patrimoine communal (MWh/an, corrigée du climat)",
            "Dépense énergétique par habitant (€/hab/an)",
            "Nombre de préconisations mises en œuvre",
        ],
        "sources": (
            "ADEME (dispositif Conseil en énergie partagé), ALEC du territoire, Territoires en transitions"
        ),
    },
    {
        "title": "Rénovation thermique d'une école",
        "description": (
            "Rénover de manière globale un groupe scolaire : isolation des murs, de la toiture et "
            "des planchers, remplacement des menuiseries, ventilation double flux et régulation du "
            "chauffage. Viser le niveau BBC rénovation permet de diviser au moins par deux les "
            "consommations de chauffage. Les travaux se planifient sur les vacances scolaires, "
            "parfois sur deux étés. Attention au confort d'été (protections solaires) et à la qualité "
            "de l'air intérieur, souvent dégradée après une isolation sans ventilation adaptée."
        ),
        "theme": "municipal_buildings",
        "target": "assets",
        "cost_min": 600000,
        "cost_max": 2000000,
        "mwh_saved": 150.0,
        "tco2e_avoided": 34.0,
        "mwh_renewable": None,
        "difficulty": 3,
        "duration_months": 30,
        "indicators": [
            "Consommation de chauffage de l'école (kWh/m²/an)",
            "Étiquette énergétique avant et après travaux",
            "Température et taux de CO2 mesurés dans les classes",
        ],
        "sources": (
            "ADEME, Cerema (rénovation des bâtiments scolaires), programme EduRénov de la Banque des "
            "Territoires, Fonds vert, ALEC du territoire"
        ),
    },
    {
        "title": "Régulation et programmation du chauffage des bâtiments communaux",
        "description": (
            "Installer ou moderniser la régulation du chauffage (sondes extérieures, robinets "
            "thermostatiques, programmation horaire par zone, gestion technique centralisée) et "
            "caler les horaires sur l'occupation réelle des locaux. C'est l'une des actions les plus "
            "rentables, avec des retours sur investissement de deux à cinq ans. Les plannings "
            "d'occupation des salles doivent être tenus à jour, sinon la régulation est vite contournée."
        ),
        "theme": "municipal_buildings",
        "target": "assets",
        "cost_min": 15000,
        "cost_max": 80000,
        "mwh_saved": 120.0,
        "tco2e_avoided": 27.0,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 6,
        "indicators": [
            "Nombre de bâtiments équipés d'une régulation programmable",
            "Consommation de chauffage des bâtiments équipés (MWh/an, corrigée du climat)",
        ],
        "sources": "ADEME, programme ACTEE de la FNCCR, fiches CEE (BAT-TH), réseau des ALEC (FLAME)",
    },
    {
        "title": "Plan de sobriété énergétique des bâtiments communaux",
        "description": (
            "Adopter en conseil municipal des règles de sobriété : chauffage à 19 °C dans les "
            "bureaux et moins dans les gymnases, réduction des périodes de chauffage, coupure de "
            "l'eau chaude sanitaire là où elle n'est pas nécessaire, arrêt des veilles. Les "
            "associations utilisatrices des équipements sont associées aux décisions. Le principal "
            "écueil est le relâchement après la première année : un suivi régulier et une "
            "communication sur les résultats sont nécessaires."
        ),
        "theme": "municipal_buildings",
        "target": "assets",
        "cost_min": 0,
        "cost_max": 10000,
        "mwh_saved": 150.0,
        "tco2e_avoided": 25.0,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 6,
        "indicators": [
            "Consommation d'énergie des bâtiments communaux (MWh/an, corrigée du climat)",
            "Nombre de bâtiments couverts par le plan de sobriété",
            "Économies financières réalisées (€/an)",
        ],
        "sources": "Plan national de sobriété énergétique, ADEME, AMF, Territoires en transitions",
    },
    {
        "title": "Isolation des combles et toitures des bâtiments communaux",
        "description": (
            "Isoler les combles perdus et les toitures des bâtiments les moins performants "
            "(salles des fêtes, gymnases, ateliers municipaux). C'est un geste simple, rapide et "
            "peu coûteux au regard des économies obtenues, éligible aux certificats d'économies "
            "d'énergie. Vérifier au préalable l'état de la charpente et de la couverture, ainsi que "
            "la présence éventuelle d'amiante."
        ),
        "theme": "municipal_buildings",
        "target": "assets",
        "cost_min": 30000,
        "cost_max": 150000,
        "mwh_saved": 80.0,
        "tco2e_avoided": 18.0,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 6,
        "indicators": [
            "Surface de toiture isolée (m²)",
            "Consommation de chauffage des bâtiments traités (MWh/an, corrigée du climat)",
        ],
        "sources": "ADEME, fiches CEE (BAT-EN), Cerema, réseau des ALEC (FLAME)",
    },
    {
        "title": "Remplacement des chaudières fioul par des pompes à chaleur",
        "description": (
            "Remplacer les dernières chaudières fioul du patrimoine communal par des pompes à "
            "chaleur (air-eau ou géothermiques), après amélioration de l'isolation pour réduire la "
            "puissance nécessaire. Le dimensionnement doit tenir compte des températures de départ "
            "des émetteurs existants. Le raccordement à un réseau de chaleur ou une chaudière bois "
            "sont des alternatives à étudier selon le contexte."
        ),
        "theme": "municipal_buildings",
        "target": "assets",
        "cost_min": 80000,
        "cost_max": 250000,
        "mwh_saved": 100.0,
        "tco2e_avoided": 45.0,
        "mwh_renewable": None,
        "difficulty": 2,
        "duration_months": 12,
        "indicators": [
            "Nombre de chaudières fioul restantes dans le patrimoine communal",
            "Consommation de fioul (litres/an)",
            "Coefficient de performance saisonnier mesuré des pompes à chaleur",
        ],
        "sources": "ADEME (Fonds chaleur), Fonds vert, AFPAC, ALEC du territoire",
    },
    {
        "title": "Éclairage LED et détection de présence dans les bâtiments communaux",
        "description": (
            "Remplacer les tubes fluorescents et les halogènes des bâtiments communaux (écoles, "
            "gymnases, mairie) par des luminaires LED, avec détecteurs de présence dans les "
            "circulations et les sanitaires et gradation selon la lumière du jour. L'action est "
            "éligible aux certificats d'économies d'énergie. Soigner le confort visuel (éblouissement, "
            "niveaux d'éclairement réglementaires dans les classes et les salles de sport)."
        ),
        "theme": "municipal_buildings",
        "target": "assets",
        "cost_min": 20000,
        "cost_max": 100000,
        "mwh_saved": 40.0,
        "tco2e_avoided": 2.2,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 12,
        "indicators": [
            "Part des points lumineux intérieurs en LED (%)",
            "Consommation d'électricité des bâtiments traités (MWh/an)",
        ],
        "sources": (
            "ADEME, fiches CEE (BAT-EQ), AFE (Association française de l'éclairage), réseau des ALEC (FLAME)"
        ),
    },
    # ------------------------------------------------------------------ public lighting
    {
        "title": "Relamping LED de l'éclairage public avec extinction nocturne",
        "description": (
            "Remplacer les luminaires énergivores (ballons fluorescents, sodium haute pression) par "
            "des luminaires LED à température de couleur chaude, pilotables et graduables, et couper "
            "l'éclairage en cœur de nuit. La rénovation des armoires de commande et l'installation "
            "d'horloges astronomiques accompagnent le chantier. Le syndicat départemental d'énergie "
            "peut porter la maîtrise d'ouvrage et apporter des financements. Concerter les habitants "
            "en amont et vérifier la conformité à l'arrêté de 2018 sur les nuisances lumineuses."
        ),
        "theme": "public_lighting",
        "target": "assets",
        "cost_min": 300000,
        "cost_max": 1200000,
        "mwh_saved": 300.0,
        "tco2e_avoided": 16.5,
        "mwh_renewable": None,
        "difficulty": 2,
        "duration_months": 24,
        "indicators": [
            "Consommation de l'éclairage public (kWh/habitant/an)",
            "Part des points lumineux en LED (%)",
            "Nombre d'heures d'extinction par nuit",
        ],
        "sources": (
            "FNCCR, syndicats départementaux d'énergie, ADEME, Cerema, ANPCEN (label Villes et villages "
            "étoilés), fiches CEE (RES-EC)"
        ),
    },
    {
        "title": "Extinction de l'éclairage public en cœur de nuit",
        "description": (
            "Couper l'éclairage public entre 23 h et 5 h environ sur tout ou partie de la commune, "
            "grâce à des horloges astronomiques installées dans les armoires de commande. C'est une "
            "action très rapide et peu coûteuse, qui réduit aussi la pollution lumineuse pour la "
            "biodiversité. Une phase de test de quelques mois et une information des habitants et "
            "de la gendarmerie facilitent l'acceptation."
        ),
        "theme": "public_lighting",
        "target": "assets",
        "cost_min": 5000,
        "cost_max": 30000,
        "mwh_saved": 150.0,
        "tco2e_avoided": 8.3,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 6,
        "indicators": [
            "Part des points lumineux éteints en cœur de nuit (%)",
            "Consommation de l'éclairage public (MWh/an)",
        ],
        "sources": "ANPCEN, FNCCR, ADEME, syndicats départementaux d'énergie, Parcs naturels régionaux",
    },
    {
        "title": "Schéma directeur d'aménagement lumière et trame noire",
        "description": (
            "Élaborer un schéma directeur d'aménagement lumière (SDAL) qui définit, rue par rue, "
            "les besoins réels d'éclairage, les niveaux, les horaires et les zones à préserver pour "
            "la faune nocturne (trame noire). Il sert de feuille de route aux rénovations successives "
            "du parc. Associer les services techniques, la police municipale et les associations "
            "naturalistes dès le diagnostic."
        ),
        "theme": "public_lighting",
        "target": "assets",
        "cost_min": 20000,
        "cost_max": 60000,
        "mwh_saved": None,
        "tco2e_avoided": None,
        "mwh_renewable": None,
        "difficulty": 2,
        "duration_months": 12,
        "indicators": [
            "Schéma directeur adopté (oui/non)",
            "Linéaire de voirie couvert par la trame noire (km)",
        ],
        "sources": "Cerema, Office français de la biodiversité (trame noire), ANPCEN, FNCCR",
    },
    # ------------------------------------------------------------------ municipal fleet
    {
        "title": "Électrification de la flotte de véhicules",
        "description": (
            "Remplacer progressivement les véhicules légers thermiques de la commune par des "
            "véhicules électriques, à l'occasion de leur renouvellement, et installer des bornes de "
            "recharge aux ateliers et à la mairie. Un diagnostic préalable des usages (kilométrage, "
            "charges transportées) permet de choisir les bons modèles et de réduire la taille du "
            "parc. La loi impose une part minimale de véhicules à faibles émissions lors des "
            "renouvellements."
        ),
        "theme": "municipal_fleet",
        "target": "assets",
        "cost_min": 150000,
        "cost_max": 350000,
        "mwh_saved": 50.0,
        "tco2e_avoided": 17.8,
        "mwh_renewable": None,
        "difficulty": 2,
        "duration_months": 36,
        "indicators": [
            "Part de véhicules à faibles émissions dans la flotte (%)",
            "Consommation de carburant de la flotte (litres/an)",
            "Nombre de points de recharge installés",
        ],
        "sources": "ADEME, Avere-France, programme Advenir, Cerema, loi d'orientation des mobilités",
    },
    {
        "title": "Formation des agents à l'écoconduite",
        "description": (
            "Former les agents qui conduisent les véhicules et engins municipaux à l'écoconduite "
            "(anticipation, régime moteur, pression des pneus, limitation du ralenti). Une "
            "formation d'une journée avec mise en situation permet des économies de carburant de "
            "5 à 10 %. Un suivi des consommations par véhicule et des rappels réguliers évitent "
            "que les bonnes pratiques ne s'étiolent."
        ),
        "theme": "municipal_fleet",
        "target": "assets",
        "cost_min": 3000,
        "cost_max": 10000,
        "mwh_saved": 17.0,
        "tco2e_avoided": 4.6,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 6,
        "indicators": [
            "Nombre d'agents formés",
            "Consommation moyenne de la flotte (L/100 km)",
        ],
        "sources": "ADEME, CNFPT, fiches CEE (TRA-SE), Cerema",
    },
    {
        "title": "Mutualisation de la flotte et vélos de service",
        "description": (
            "Créer un pool de véhicules partagés entre services, réservés via un outil commun, et "
            "mettre à disposition des agents des vélos à assistance électrique pour les "
            "déplacements courts. La mutualisation permet de supprimer les véhicules peu utilisés. "
            "Un gestionnaire de flotte identifié et des règles de réservation claires sont "
            "nécessaires."
        ),
        "theme": "municipal_fleet",
        "target": "assets",
        "cost_min": 10000,
        "cost_max": 40000,
        "mwh_saved": 25.0,
        "tco2e_avoided": 6.8,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 12,
        "indicators": [
            "Nombre de véhicules de la flotte",
            "Kilomètres parcourus à vélo par les agents en service (km/an)",
            "Taux d'utilisation des véhicules partagés (%)",
        ],
        "sources": "ADEME, Cerema, Territoires en transitions, programme CEE Objectif Employeur Pro-Vélo",
    },
    # ------------------------------------------------------------------ renewable energy
    {
        "title": "Chaufferie bois (réseau de chaleur communal)",
        "description": (
            "Créer une chaufferie au bois déchiqueté alimentant par un petit réseau de chaleur "
            "plusieurs bâtiments communaux proches (école, mairie, gymnase) et éventuellement des "
            "logements. Une étude de faisabilité doit vérifier la densité des besoins et "
            "l'approvisionnement en bois local. Le Fonds chaleur de l'ADEME finance une part "
            "importante de l'investissement. Points de vigilance : qualité du combustible, "
            "maintenance, émissions de particules (filtre performant indispensable en fond de "
            "vallée et en zone de plan de protection de l'atmosphère)."
        ),
        "theme": "renewable_energy",
        "target": "assets",
        "cost_min": 800000,
        "cost_max": 2500000,
        "mwh_saved": None,
        "tco2e_avoided": 160.0,
        "mwh_renewable": 800.0,
        "difficulty": 3,
        "duration_months": 36,
        "indicators": [
            "Chaleur renouvelable livrée (MWh/an)",
            "Taux de couverture bois des besoins du réseau (%)",
            "Part de bois d'origine locale (%)",
        ],
        "sources": (
            "ADEME (Fonds chaleur), Amorce, interprofessions régionales Fibois, CIBE (Comité "
            "interprofessionnel du bois-énergie), réseau des ALEC (FLAME)"
        ),
    },
    {
        "title": "Centrale photovoltaïque en toiture d'un bâtiment communal",
        "description": (
            "Installer une centrale photovoltaïque d'environ 100 kWc sur la toiture d'un gymnase, "
            "d'une école ou d'un atelier municipal, en autoconsommation ou en vente totale. La "
            "commune peut investir elle-même ou louer sa toiture à un tiers, par exemple une société "
            "citoyenne. Vérifier au préalable la structure de la charpente, l'état de l'étanchéité "
            "et les capacités de raccordement au réseau."
        ),
        "theme": "renewable_energy",
        "target": "assets",
        "cost_min": 90000,
        "cost_max": 180000,
        "mwh_saved": None,
        "tco2e_avoided": 6.3,
        "mwh_renewable": 115.0,
        "difficulty": 2,
        "duration_months": 18,
        "indicators": [
            "Puissance photovoltaïque installée (kWc)",
            "Production annuelle (MWh/an)",
            "Taux d'autoconsommation (%)",
        ],
        "sources": (
            "ADEME, Hespul, syndicats départementaux d'énergie, Énergie Partagée, réseau des ALEC (FLAME)"
        ),
    },
    {
        "title": "Solaire thermique pour un équipement communal",
        "description": (
            "Installer des capteurs solaires thermiques pour produire l'eau chaude d'un équipement "
            "à forts besoins : piscine, vestiaires de stade, cuisine centrale, EHPAD. Les besoins "
            "doivent être réguliers, y compris l'été, pour que l'installation soit rentable. Un "
            "contrat de maintenance et un suivi de production à distance sont indispensables pour "
            "détecter rapidement les pannes."
        ),
        "theme": "renewable_energy",
        "target": "assets",
        "cost_min": 50000,
        "cost_max": 120000,
        "mwh_saved": None,
        "tco2e_avoided": 6.0,
        "mwh_renewable": 30.0,
        "difficulty": 2,
        "duration_months": 12,
        "indicators": [
            "Surface de capteurs installée (m²)",
            "Production solaire utile (MWh/an)",
        ],
        "sources": "ADEME (Fonds chaleur), Socol, Tecsol, ALEC du territoire",
    },
    {
        "title": "Soutien à un projet citoyen d'énergies renouvelables (centrale villageoise)",
        "description": (
            "Accompagner la création d'une société citoyenne qui installe des centrales "
            "photovoltaïques sur des toitures publiques et privées du territoire. La commune met à "
            "disposition des toitures, peut entrer au capital et relaie l'appel à l'épargne "
            "locale. Les bénéfices restent sur le territoire et les habitants s'approprient la "
            "transition. Le projet repose sur un noyau de bénévoles motivés, à soutenir dans la durée."
        ),
        "theme": "renewable_energy",
        "target": "territory",
        "cost_min": 5000,
        "cost_max": 30000,
        "mwh_saved": None,
        "tco2e_avoided": 16.5,
        "mwh_renewable": 300.0,
        "difficulty": 2,
        "duration_months": 24,
        "indicators": [
            "Puissance installée par le projet citoyen (kWc)",
            "Nombre de sociétaires habitant la commune",
        ],
        "sources": "Énergie Partagée, réseau des Centrales Villageoises, AURA-EE, Hespul",
    },
    {
        "title": "Cadastre solaire et accompagnement des projets photovoltaïques des habitants",
        "description": (
            "Mettre à disposition un cadastre solaire en ligne indiquant le potentiel de chaque "
            "toiture, et organiser avec l'agence locale de l'énergie des réunions d'information et "
            "un accompagnement neutre des particuliers et des entreprises. Le cadastre seul ne "
            "suffit pas : l'accompagnement permet de lever les freins et d'éviter les offres "
            "commerciales abusives."
        ),
        "theme": "renewable_energy",
        "target": "territory",
        "cost_min": 10000,
        "cost_max": 30000,
        "mwh_saved": None,
        "tco2e_avoided": 11.0,
        "mwh_renewable": 200.0,
        "difficulty": 1,
        "duration_months": 24,
        "indicators": [
            "Nombre de ménages et d'entreprises accompagnés",
            "Puissance photovoltaïque raccordée sur la commune (kWc)",
        ],
        "sources": "ADEME, ALEC du territoire, Hespul, Enedis (données de raccordement)",
    },
    # ------------------------------------------------------------------ mobility
    {
        "title": "Plan de déplacements des agents (plan de mobilité employeur)",
        "description": (
            "Réaliser une enquête sur les déplacements domicile-travail et professionnels des "
            "agents, puis mettre en place un plan d'actions : forfait mobilités durables, "
            "stationnement vélo sécurisé, douches, télétravail, covoiturage. Le plan est construit "
            "avec les représentants du personnel. Il faut en évaluer les effets par une nouvelle "
            "enquête deux ans plus tard."
        ),
        "theme": "mobility",
        "target": "assets",
        "cost_min": 5000,
        "cost_max": 30000,
        "mwh_saved": 30.0,
        "tco2e_avoided": 8.1,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 12,
        "indicators": [
            "Part modale de la voiture individuelle dans les trajets domicile-travail des agents (%)",
            "Nombre d'agents bénéficiant du forfait mobilités durables",
        ],
        "sources": (
            "ADEME, Cerema, autorités organisatrices des mobilités (plans de mobilité employeur), "
            "programme CEE Objectif Employeur Pro-Vélo"
        ),
    },
    {
        "title": "Pistes cyclables et stationnements vélos",
        "description": (
            "Aménager des itinéraires cyclables continus et sécurisés vers les écoles, les "
            "commerces et les pôles d'échanges, et installer des arceaux et des abris vélos "
            "sécurisés. La cohérence avec le schéma directeur vélo intercommunal et les "
            "communes voisines est essentielle. Les discontinuités et les traversées dangereuses "
            "sont les premiers freins à lever."
        ),
        "theme": "mobility",
        "target": "territory",
        "cost_min": 200000,
        "cost_max": 1500000,
        "mwh_saved": 100.0,
        "tco2e_avoided": 27.0,
        "mwh_renewable": None,
        "difficulty": 2,
        "duration_months": 36,
        "indicators": [
            "Linéaire d'aménagements cyclables (km)",
            "Nombre de places de stationnement vélo",
            "Fréquentation mesurée par les compteurs vélo (passages/jour)",
        ],
        "sources": "Cerema, ADEME, Club des villes et territoires cyclables, Fonds mobilités actives",
    },
    {
        "title": "Pédibus, vélobus et rues scolaires",
        "description": (
            "Organiser avec les parents des lignes de pédibus ou de vélobus et fermer "
            "temporairement à la circulation les rues devant les écoles aux heures d'entrée et de "
            "sortie. L'action améliore la sécurité et la qualité de l'air devant les écoles. Elle "
            "repose sur l'engagement des parents bénévoles, qu'il faut relancer à chaque rentrée."
        ),
        "theme": "mobility",
        "target": "territory",
        "cost_min": 2000,
        "cost_max": 20000,
        "mwh_saved": 10.0,
        "tco2e_avoided": 2.7,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 12,
        "indicators": [
            "Nombre d'écoles dotées d'une rue scolaire",
            "Part des élèves venant à pied ou à vélo (%)",
        ],
        "sources": "ADEME, Cerema, programme CEE Génération Vélo, Rue de l'Avenir",
    },
    {
        "title": "Aires de covoiturage et autopartage",
        "description": (
            "Aménager des aires de covoiturage aux entrées de la commune et près des axes "
            "structurants, et soutenir l'implantation de véhicules en autopartage. Le covoiturage "
            "du quotidien se développe surtout avec des lignes dédiées et une animation auprès des "
            "employeurs. Coordonner les projets avec l'autorité organisatrice des mobilités."
        ),
        "theme": "mobility",
        "target": "territory",
        "cost_min": 30000,
        "cost_max": 150000,
        "mwh_saved": 60.0,
        "tco2e_avoided": 16.2,
        "mwh_renewable": None,
        "difficulty": 2,
        "duration_months": 18,
        "indicators": [
            "Nombre de places de covoiturage",
            "Taux d'occupation des aires de covoiturage (%)",
            "Nombre de véhicules en autopartage",
        ],
        "sources": (
            "Cerema, ADEME, autorités organisatrices des mobilités, Citiz, observatoire national du "
            "covoiturage au quotidien"
        ),
    },
    # ------------------------------------------------------------------ planning and housing
    {
        "title": "Plan local d'urbanisme : orientations énergie-climat",
        "description": (
            "Intégrer des exigences énergie-climat dans le document d'urbanisme : performance "
            "énergétique renforcée, production d'énergies renouvelables, coefficient de pleine "
            "terre, stationnement vélo, densité autour des transports. Là où le "
            "PLU est intercommunal (PLUi), la commune agit lors des modifications et via les "
            "orientations d'aménagement et de programmation (OAP) sur ses secteurs. Les règles "
            "doivent rester applicables et contrôlables lors de l'instruction des permis."
        ),
        "theme": "planning_housing",
        "target": "territory",
        "cost_min": 10000,
        "cost_max": 50000,
        "mwh_saved": None,
        "tco2e_avoided": None,
        "mwh_renewable": None,
        "difficulty": 2,
        "duration_months": 24,
        "indicators": [
            "Nombre de secteurs couverts par des prescriptions énergie-climat",
            "Surfaces artificialisées par an (ha)",
        ],
        "sources": "Cerema, ADEME (guide PLU et énergie), agence d'urbanisme du territoire, FNAU",
    },
    {
        "title": "Accompagnement des copropriétés à la rénovation (Mur|Mur)",
        "description": (
            "Relayer le dispositif intercommunal de rénovation des copropriétés (tel Mur|Mur) "
            "auprès des copropriétés de la commune, "
            "repérer celles qui sont énergivores, mobiliser les syndics et compléter les aides par "
            "une prime communale. La rénovation d'une copropriété prend plusieurs années entre "
            "l'audit et le vote des travaux en assemblée générale. L'animation de proximité et le "
            "soutien aux conseils syndicaux sont décisifs."
        ),
        "theme": "planning_housing",
        "target": "territory",
        "cost_min": 20000,
        "cost_max": 150000,
        "mwh_saved": 400.0,
        "tco2e_avoided": 90.8,
        "mwh_renewable": None,
        "difficulty": 3,
        "duration_months": 48,
        "indicators": [
            "Nombre de logements en copropriété rénovés",
            "Gain énergétique moyen après travaux (%)",
            "Nombre de copropriétés engagées dans un audit",
        ],
        "sources": "intercommunalité (dispositifs de type Mur|Mur), ALEC du territoire, Anah, ADEME",
    },
    {
        "title": "Relais du service public de la rénovation de l'habitat",
        "description": (
            "Organiser des permanences du conseiller France Rénov' en mairie, relayer les aides "
            "dans le bulletin municipal et orienter les habitants vers un accompagnement neutre et "
            "gratuit. Des balades thermographiques ou des visites de maisons rénovées peuvent "
            "déclencher des projets. Le principal enjeu est de toucher les propriétaires de "
            "maisons individuelles chauffées au fioul ou au gaz."
        ),
        "theme": "planning_housing",
        "target": "territory",
        "cost_min": 3000,
        "cost_max": 15000,
        "mwh_saved": 150.0,
        "tco2e_avoided": 37.5,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 24,
        "indicators": [
            "Nombre de ménages conseillés",
            "Nombre de rénovations engagées (dossiers MaPrimeRénov')",
        ],
        "sources": "France Rénov', Anah, ALEC du territoire, ADEME",
    },
    {
        "title": "Repérage et accompagnement des ménages en précarité énergétique",
        "description": (
            "Avec le CCAS, les travailleurs sociaux et les bailleurs, repérer les ménages en "
            "difficulté pour payer leurs factures d'énergie et leur proposer une visite à domicile "
            "avec petits équipements économes et conseils. Les situations les plus lourdes sont "
            "orientées vers les aides à la rénovation ou la lutte contre l'habitat indigne. La "
            "confiance des ménages se gagne par des intervenants connus et neutres."
        ),
        "theme": "planning_housing",
        "target": "territory",
        "cost_min": 5000,
        "cost_max": 25000,
        "mwh_saved": 40.0,
        "tco2e_avoided": 8.0,
        "mwh_renewable": None,
        "difficulty": 2,
        "duration_months": 24,
        "indicators": [
            "Nombre de visites à domicile réalisées",
            "Nombre de ménages orientés vers une rénovation",
        ],
        "sources": "Programme CEE SLIME (CLER), ONPE, Anah, ALEC du territoire",
    },
    # ------------------------------------------------------------------ public procurement
    {
        "title": "Intégration de clauses environnementales dans les marchés publics",
        "description": (
            "Définir une politique d'achats responsables et intégrer systématiquement des critères "
            "et des clauses environnementales dans les marchés : performance énergétique, "
            "matériaux biosourcés, réemploi, transport des livraisons. La loi Climat et résilience "
            "rend obligatoire la prise en compte de l'environnement dans tous les marchés. Former les "
            "agents acheteurs et pondérer suffisamment les critères pour qu'ils soient décisifs."
        ),
        "theme": "public_procurement",
        "target": "assets",
        "cost_min": 0,
        "cost_max": 15000,
        "mwh_saved": None,
        "tco2e_avoided": None,
        "mwh_renewable": None,
        "difficulty": 2,
        "duration_months": 12,
        "indicators": [
            "Part des marchés comportant un critère environnemental (%)",
            "Nombre d'agents acheteurs formés",
        ],
        "sources": (
            "Plan national pour des achats durables, ADEME, RAPIDD (Réseau des acheteurs publics), "
            "réseaux régionaux de la commande publique durable"
        ),
    },
    {
        "title": "Achat d'électricité renouvelable à haute valeur environnementale",
        "description": (
            "Acheter, seule ou via le groupement de commandes du syndicat d'énergie, une "
            "électricité renouvelable dont les garanties d'origine proviennent d'installations "
            "identifiées, idéalement régionales ou citoyennes. Le surcoût est généralement faible. "
            "Cette action ne remplace pas la réduction des consommations, et son effet sur les "
            "émissions dépend de la méthode de comptabilité retenue."
        ),
        "theme": "public_procurement",
        "target": "assets",
        "cost_min": 0,
        "cost_max": 10000,
        "mwh_saved": None,
        "tco2e_avoided": None,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 12,
        "indicators": [
            "Part de l'électricité achetée avec garanties d'origine renouvelables (%)",
            "Surcoût annuel (€ HT)",
        ],
        "sources": (
            "ADEME (avis sur les offres d'électricité verte), syndicats départementaux d'énergie, Enercoop"
        ),
    },
    {
        "title": "Achats numériques responsables et allongement de la durée de vie du matériel",
        "description": (
            "Allonger la durée d'utilisation des ordinateurs, écrans et téléphones de la commune, "
            "privilégier le reconditionné et les équipements labellisés, et donner le matériel "
            "réformé à des structures de réemploi. La fabrication représente l'essentiel de "
            "l'empreinte carbone du numérique. Un inventaire du parc et une doctrine d'achat "
            "partagée avec le service informatique sont le point de départ."
        ),
        "theme": "public_procurement",
        "target": "assets",
        "cost_min": 0,
        "cost_max": 20000,
        "mwh_saved": None,
        "tco2e_avoided": 5.0,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 12,
        "indicators": [
            "Durée moyenne d'utilisation des ordinateurs (années)",
            "Part des équipements reconditionnés dans les achats (%)",
        ],
        "sources": (
            "ADEME et Arcep (impact environnemental du numérique), MiNumEco, "
            "INR (Institut du numérique responsable)"
        ),
    },
    # ------------------------------------------------------------------ awareness
    {
        "title": "Défi Familles à énergie positive (Défi Déclics)",
        "description": (
            "Inviter les habitants à former des équipes pour réduire leurs consommations d'énergie "
            "et d'eau pendant l'hiver, grâce à des écogestes, avec l'appui d'un animateur de "
            "l'agence locale de l'énergie. Les participants économisent en moyenne plus de 10 % sans "
            "investissement. Le défi peut être étendu à l'alimentation, aux déchets et à la mobilité. "
            "La réussite dépend du recrutement des équipes : s'appuyer sur les associations, les "
            "écoles et les entreprises locales."
        ),
        "theme": "awareness",
        "target": "territory",
        "cost_min": 3000,
        "cost_max": 10000,
        "mwh_saved": 45.0,
        "tco2e_avoided": 6.8,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 6,
        "indicators": [
            "Nombre de foyers participants",
            "Économies d'énergie moyennes par foyer (%)",
        ],
        "sources": ("Défi Déclics (Prioriterre et réseau des ALEC), ALEC du territoire, ADEME"),
    },
    {
        "title": "Sensibilisation des agents et des élus aux écogestes",
        "description": (
            "Organiser des ateliers et une campagne interne sur les écogestes au bureau et dans "
            "les équipements : éteindre les appareils, régler le chauffage, limiter les "
            "impressions, fermer les portes. Des ambassadeurs volontaires dans chaque service "
            "relaient les messages. Afficher régulièrement les résultats obtenus entretient la "
            "motivation."
        ),
        "theme": "awareness",
        "target": "assets",
        "cost_min": 2000,
        "cost_max": 8000,
        "mwh_saved": 30.0,
        "tco2e_avoided": 3.0,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 12,
        "indicators": [
            "Nombre d'agents et d'élus sensibilisés",
            "Consommation d'électricité des bâtiments administratifs (MWh/an)",
        ],
        "sources": "ADEME (écoresponsabilité), CNFPT, Territoires en transitions",
    },
    {
        "title": "Programme d'éducation à l'énergie dans les écoles",
        "description": (
            "Mettre en place dans les écoles un programme pédagogique sur l'énergie et le climat "
            "(par exemple Watty à l'école) et engager les bâtiments scolaires dans un concours "
            "d'économies d'énergie comme CUBE.S. Les élèves deviennent acteurs des économies et "
            "relaient les écogestes dans leur famille. L'implication des enseignants et du "
            "personnel d'entretien conditionne les résultats."
        ),
        "theme": "awareness",
        "target": "assets",
        "cost_min": 0,
        "cost_max": 8000,
        "mwh_saved": 25.0,
        "tco2e_avoided": 4.5,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 12,
        "indicators": [
            "Nombre de classes participantes",
            "Économies d'énergie des écoles engagées (%)",
        ],
        "sources": "Programme CEE Watty à l'école (Eco CO2), concours CUBE.S (IFPEB), ADEME, ALEC",
    },
    {
        "title": "Fête de l'énergie et balades thermographiques",
        "description": (
            "Organiser chaque année un temps fort grand public sur l'énergie : stands de conseil, "
            "visites de réalisations, balades thermographiques en hiver pour visualiser les "
            "déperditions des maisons. Ces animations font connaître le service public de la "
            "rénovation et créent des contacts avec les habitants. Prévoir un suivi des "
            "participants pour transformer l'intérêt en projets."
        ),
        "theme": "awareness",
        "target": "territory",
        "cost_min": 2000,
        "cost_max": 8000,
        "mwh_saved": None,
        "tco2e_avoided": None,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 3,
        "indicators": [
            "Nombre de participants",
            "Nombre de rendez-vous de conseil pris à la suite de l'événement",
        ],
        "sources": "ADEME, France Rénov', ALEC du territoire",
    },
    # ------------------------------------------------------------------ water and waste
    {
        "title": "Réduction et valorisation des biodéchets",
        "description": (
            "Déployer le compostage partagé en pied d'immeuble et dans les quartiers, équiper les "
            "cantines et les services techniques pour trier et composter leurs biodéchets, et "
            "valoriser les déchets verts communaux en paillage. Le tri à la source des biodéchets "
            "est obligatoire depuis 2024 ; la collecte relève de l'intercommunalité, avec qui l'action "
            "se coordonne. Des guides composteurs formés sont nécessaires pour éviter les "
            "nuisances et l'abandon des sites."
        ),
        "theme": "water_waste",
        "target": "territory",
        "cost_min": 10000,
        "cost_max": 50000,
        "mwh_saved": None,
        "tco2e_avoided": 8.0,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 12,
        "indicators": [
            "Nombre de sites de compostage partagé",
            "Tonnage de biodéchets détournés des ordures ménagères (t/an)",
        ],
        "sources": "ADEME, Réseau Compost Citoyen, service déchets de l'intercommunalité, Zero Waste France",
    },
    {
        "title": "Récupération des eaux de pluie pour l'arrosage",
        "description": (
            "Installer des cuves de récupération des eaux de pluie sur les bâtiments communaux et "
            "aux ateliers pour arroser les espaces verts et les jardinières et laver les engins. "
            "L'action préserve la ressource en eau potable lors des périodes de sécheresse. "
            "Dimensionner les cuves selon la surface de toiture et les besoins, et prévoir leur "
            "entretien."
        ),
        "theme": "water_waste",
        "target": "assets",
        "cost_min": 5000,
        "cost_max": 40000,
        "mwh_saved": None,
        "tco2e_avoided": None,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 6,
        "indicators": [
            "Volume d'eau de pluie récupéré (m³/an)",
            "Consommation d'eau potable pour l'arrosage (m³/an)",
        ],
        "sources": "agence de l'eau du bassin, Cerema, ADEME, ASTEE",
    },
    {
        "title": "Réduction des consommations d'eau des bâtiments communaux",
        "description": (
            "Équiper les robinets et les douches de mousseurs et de réducteurs de débit, installer "
            "des compteurs télérelevés pour détecter rapidement les fuites, et supprimer les "
            "usages inutiles. Les économies d'eau chaude réduisent aussi les consommations "
            "d'énergie. Un suivi mensuel des index de compteurs suffit souvent à repérer les "
            "dérives."
        ),
        "theme": "water_waste",
        "target": "assets",
        "cost_min": 5000,
        "cost_max": 25000,
        "mwh_saved": 10.0,
        "tco2e_avoided": 2.3,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 6,
        "indicators": [
            "Consommation d'eau des bâtiments communaux (m³/an)",
            "Nombre de fuites détectées et réparées",
        ],
        "sources": "agence de l'eau du bassin, ADEME, conseil en énergie partagé",
    },
    # ------------------------------------------------------------------ agriculture and food
    {
        "title": "Restauration collective : produits locaux et bio",
        "description": (
            "Augmenter la part des produits durables, locaux et bio dans la restauration scolaire "
            "et municipale, au-delà des objectifs de la loi EGalim (50 % de produits durables dont "
            "20 % de bio). L'allotissement des marchés et le travail avec les producteurs du "
            "territoire facilitent l'accès des circuits courts. Former les cuisiniers et maîtriser le "
            "surcoût par la lutte contre le gaspillage et les menus végétariens."
        ),
        "theme": "agriculture_food",
        "target": "assets",
        "cost_min": 20000,
        "cost_max": 80000,
        "mwh_saved": None,
        "tco2e_avoided": 15.0,
        "mwh_renewable": None,
        "difficulty": 2,
        "duration_months": 24,
        "indicators": [
            "Part des produits bio dans les achats alimentaires (%)",
            "Part des produits durables et de qualité (%)",
            "Part des produits issus du territoire (%)",
        ],
        "sources": (
            "Plateforme ma cantine (ministère de l'Agriculture), Un Plus Bio, ADEME, "
            "projet alimentaire territorial (PAT)"
        ),
    },
    {
        "title": "Menus végétariens et lutte contre le gaspillage alimentaire en restauration scolaire",
        "description": (
            "Proposer au moins un menu végétarien par semaine, voire une option végétarienne "
            "quotidienne, et mesurer puis réduire le gaspillage alimentaire par des pesées, "
            "l'ajustement des grammages et l'implication des élèves. Les économies dégagées "
            "financent la montée en qualité des produits. Former les équipes de cuisine aux "
            "recettes végétariennes pour garantir leur qualité et leur acceptation."
        ),
        "theme": "agriculture_food",
        "target": "assets",
        "cost_min": 0,
        "cost_max": 15000,
        "mwh_saved": None,
        "tco2e_avoided": 25.0,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 12,
        "indicators": [
            "Nombre de repas végétariens servis par semaine",
            "Gaspillage alimentaire par repas (g/convive)",
        ],
        "sources": (
            "ADEME (gaspillage alimentaire en restauration collective), loi EGalim, plateforme ma cantine"
        ),
    },
    {
        "title": "Préservation du foncier agricole et installation de maraîchers",
        "description": (
            "Protéger les terres agricoles dans le document d'urbanisme, acquérir ou mobiliser du "
            "foncier communal et y installer des maraîchers, par exemple via un espace-test "
            "agricole ou une régie. Le partenariat avec la chambre d'agriculture et la SAFER est "
            "indispensable. Prévoir des débouchés, notamment la restauration collective, pour "
            "assurer la viabilité des installations."
        ),
        "theme": "agriculture_food",
        "target": "territory",
        "cost_min": 50000,
        "cost_max": 300000,
        "mwh_saved": None,
        "tco2e_avoided": None,
        "mwh_renewable": None,
        "difficulty": 3,
        "duration_months": 36,
        "indicators": [
            "Surface agricole mobilisée pour l'installation (ha)",
            "Nombre d'agriculteurs installés",
        ],
        "sources": (
            "Terre de Liens, SAFER, chambre départementale d'agriculture, "
            "réseau RENETA (espaces-test agricoles)"
        ),
    },
    {
        "title": "Jardins partagés et familiaux",
        "description": (
            "Créer des jardins partagés ou familiaux sur du foncier communal, gérés par une "
            "association d'habitants. Ils favorisent l'autoproduction alimentaire, le lien social "
            "et la sensibilisation au jardinage sans pesticides. Vérifier la qualité des sols et "
            "l'accès à l'eau, si possible par récupération des eaux de pluie."
        ),
        "theme": "agriculture_food",
        "target": "territory",
        "cost_min": 10000,
        "cost_max": 60000,
        "mwh_saved": None,
        "tco2e_avoided": None,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 12,
        "indicators": [
            "Surface de jardins partagés (m²)",
            "Nombre de jardiniers",
        ],
        "sources": (
            "Réseau du Jardin dans tous ses états, "
            "Fédération nationale des jardins familiaux et collectifs, ADEME"
        ),
    },
    # ------------------------------------------------------------------ adaptation
    {
        "title": "Végétalisation des cours d'école (cours Oasis)",
        "description": (
            "Transformer les cours d'école bitumées en espaces plus frais et perméables : "
            "plantation d'arbres, sols naturels, points d'eau, zones d'ombre, coins calmes. Le "
            "projet est co-construit avec les élèves, les enseignants et les parents. Anticiper "
            "l'entretien par les services techniques et l'usage par temps de pluie (boue, "
            "cheminements)."
        ),
        "theme": "adaptation",
        "target": "assets",
        "cost_min": 100000,
        "cost_max": 400000,
        "mwh_saved": None,
        "tco2e_avoided": None,
        "mwh_renewable": None,
        "difficulty": 2,
        "duration_months": 18,
        "indicators": [
            "Surface désimperméabilisée dans les cours (m²)",
            "Nombre d'arbres plantés",
            "Température de surface mesurée en été (°C)",
        ],
        "sources": (
            "Ville de Paris (cours Oasis), CAUE du département, "
            "agence de l'eau du bassin, ADEME (Plus fraîche ma ville)"
        ),
    },
    {
        "title": "Plantation d'arbres et îlots de fraîcheur",
        "description": (
            "Établir un plan de plantation d'arbres sur l'espace public (places, parkings, "
            "abords des écoles) pour augmenter l'ombrage et lutter contre les îlots de chaleur "
            "urbains. Choisir des essences adaptées au climat futur et diversifiées, et prévoir "
            "des fosses de plantation suffisantes. L'arrosage des premières années conditionne "
            "la reprise des jeunes arbres."
        ),
        "theme": "adaptation",
        "target": "territory",
        "cost_min": 50000,
        "cost_max": 300000,
        "mwh_saved": None,
        "tco2e_avoided": None,
        "mwh_renewable": None,
        "difficulty": 2,
        "duration_months": 36,
        "indicators": [
            "Nombre d'arbres plantés",
            "Taux de canopée de la commune (%)",
        ],
        "sources": "ADEME (Plus fraîche ma ville), Cerema, Plante & Cité, Sésame (Cerema, essences adaptées)",
    },
    {
        "title": "Désimperméabilisation des sols et gestion intégrée des eaux pluviales",
        "description": (
            "Remplacer des surfaces imperméables (parkings, trottoirs, places) par des "
            "revêtements perméables ou végétalisés, et gérer les eaux pluviales à la parcelle "
            "par des noues et des jardins de pluie. L'action réduit les risques de ruissellement "
            "et rafraîchit la ville. L'agence de l'eau finance ce type de projets, sous réserve "
            "d'études de sol préalables."
        ),
        "theme": "adaptation",
        "target": "territory",
        "cost_min": 50000,
        "cost_max": 500000,
        "mwh_saved": None,
        "tco2e_avoided": None,
        "mwh_renewable": None,
        "difficulty": 2,
        "duration_months": 24,
        "indicators": [
            "Surface désimperméabilisée (m²)",
            "Volume d'eaux pluviales infiltrées à la parcelle (m³/an)",
        ],
        "sources": "agence de l'eau du bassin, Cerema, ADEME, intercommunalité (compétence GEMAPI)",
    },
    {
        "title": "Confort d'été dans les bâtiments communaux",
        "description": (
            "Améliorer le confort des bâtiments lors des canicules sans recourir à la "
            "climatisation : protections solaires extérieures, brasseurs d'air, ventilation "
            "nocturne, végétalisation des abords. Les crèches, écoles et résidences pour personnes "
            "âgées sont prioritaires. Un plan de gestion des fortes chaleurs précise les horaires et "
            "les consignes d'aération."
        ),
        "theme": "adaptation",
        "target": "assets",
        "cost_min": 20000,
        "cost_max": 150000,
        "mwh_saved": None,
        "tco2e_avoided": None,
        "mwh_renewable": None,
        "difficulty": 1,
        "duration_months": 12,
        "indicators": [
            "Nombre d'heures au-dessus de 28 °C dans les bâtiments sensibles",
            "Nombre de bâtiments équipés de protections solaires",
        ],
        "sources": ("ADEME, Cerema, Santé publique France (plan canicule), ALEC du territoire"),
    },
    {
        "title": "Diagnostic de vulnérabilité au changement climatique",
        "description": (
            "Réaliser un diagnostic des impacts du changement climatique sur la commune (chaleur, "
            "sécheresse, inondations, mouvements de terrain, enneigement) et sur ses services, "
            "puis définir un plan d'adaptation. L'outil TACCT de l'ADEME fournit une méthode "
            "éprouvée. Associer les acteurs locaux et croiser avec le plan communal de sauvegarde."
        ),
        "theme": "adaptation",
        "target": "territory",
        "cost_min": 15000,
        "cost_max": 50000,
        "mwh_saved": None,
        "tco2e_avoided": None,
        "mwh_renewable": None,
        "difficulty": 2,
        "duration_months": 9,
        "indicators": [
            "Diagnostic de vulnérabilité réalisé (oui/non)",
            "Nombre d'actions d'adaptation inscrites au plan d'actions",
        ],
        "sources": "ADEME (démarche TACCT), Météo-France (DRIAS), Cerema, Ouranos-AuRA",
    },
]


if __name__ == "__main__":
    # Self-check: run `python3 actions/catalogue_data.py`.
    from collections import Counter

    theme_codes = [code for code, _name, _name_en in THEMES]
    assert len(theme_codes) == len(set(theme_codes)), "duplicate theme codes"
    expected_keys = {
        "title",
        "description",
        "theme",
        "target",
        "cost_min",
        "cost_max",
        "mwh_saved",
        "tco2e_avoided",
        "mwh_renewable",
        "difficulty",
        "duration_months",
        "indicators",
        "sources",
    }
    assert len(CATALOGUE) >= 36, f"only {len(CATALOGUE)} actions"
    titles = [action["title"] for action in CATALOGUE]
    duplicates = [title for title, n in Counter(titles).items() if n > 1]
    assert not duplicates, f"duplicate titles: {duplicates}"
    for action in CATALOGUE:
        title = action.get("title", "?")
        missing = expected_keys - action.keys()
        extra = action.keys() - expected_keys
        assert not missing, f"{title}: missing keys {missing}"
        assert not extra, f"{title}: unexpected keys {extra}"
        assert 0 < len(title) <= 200, f"{title}: title length"
        assert action["description"].strip(), f"{title}: empty description"
        assert action["theme"] in theme_codes, f"{title}: unknown theme {action['theme']}"
        assert action["target"] in ("assets", "territory"), f"{title}: bad target"
        assert isinstance(action["cost_min"], int) and isinstance(action["cost_max"], int), title
        assert 0 <= action["cost_min"] <= action["cost_max"], f"{title}: cost_min > cost_max"
        for key in ("mwh_saved", "tco2e_avoided", "mwh_renewable"):
            value = action[key]
            assert value is None or (isinstance(value, float) and value >= 0), f"{title}: bad {key}"
        assert action["difficulty"] in (1, 2, 3), f"{title}: bad difficulty"
        assert isinstance(action["duration_months"], int) and action["duration_months"] > 0, title
        assert 2 <= len(action["indicators"]) <= 4, f"{title}: 2-4 indicators expected"
        assert all(isinstance(i, str) and i for i in action["indicators"]), title
        assert action["sources"].strip(), f"{title}: empty sources"
    per_theme = Counter(action["theme"] for action in CATALOGUE)
    for code, name, _name_en in THEMES:
        assert per_theme[code] >= 2, f"theme {code} has fewer than 2 actions"
        print(f"{name:<40} {per_theme[code]:>3}")
    print(f"{'Total':<40} {len(CATALOGUE):>3}")
    print("OK")
