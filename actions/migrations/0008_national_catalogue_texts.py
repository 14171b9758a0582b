# The starter catalogue becomes the shared national catalogue (issue 15): its entries named the Grenoble area's
# bodies (its ALEC, TE38, SMMAG, the Métro's own schemes). The phrases below, frozen here, are rewritten for any
# territory in the shared entries that still hold them (an advisor's other edits stay as they are); a territory
# adds its own entries for its local schemes. actions/catalogue_data.py holds the same texts, rewritten.

from django.db import migrations

SUBSTITUTIONS = [
    ("ALEC de la grande région grenobloise, AGEDEN", "ALEC du territoire"),
    ("ALEC de la grande région grenobloise", "ALEC du territoire"),
    ("ALEC et AGEDEN", "réseau des ALEC (FLAME)"),
    ("AGEDEN, Territoires en transitions", "Territoires en transitions"),
    ("interprofessionnel du bois-énergie), AGEDEN", "interprofessionnel du bois-énergie), réseau des ALEC (FLAME)"),
    ("Énergie Partagée, AGEDEN", "Énergie Partagée, réseau des ALEC (FLAME)"),
    ("Fibois Auvergne-Rhône-Alpes", "interprofessions régionales Fibois"),
    ("Le syndicat d'énergie (TE38 en Isère) ", "Le syndicat départemental d'énergie "),
    ("Territoire d'Énergie Isère (TE38)", "syndicats départementaux d'énergie"),
    ("Territoire d'Énergie Isère", "syndicats départementaux d'énergie"),
    ("indispensable en vallée grenobloise)", "indispensable en fond de vallée et en zone de plan de protection de l'atmosphère)"),
    ("SMMAG (M'Pro)", "autorités organisatrices des mobilités (plans de mobilité employeur)"),
    ("SMMAG, Citiz", "autorités organisatrices des mobilités, Citiz"),
    ("schéma directeur vélo métropolitain", "schéma directeur vélo intercommunal"),
    ("Dans Grenoble-Alpes Métropole, le PLU est intercommunal : la commune agit", "Là où le PLU est intercommunal (PLUi), la commune agit"),
    ("Agence d'urbanisme de la région grenobloise", "agence d'urbanisme du territoire"),
    ("Relayer le dispositif métropolitain Mur|Mur auprès", "Relayer le dispositif intercommunal de rénovation des copropriétés (tel Mur|Mur) auprès"),
    ("Grenoble-Alpes Métropole (Mur|Mur)", "intercommunalité (dispositifs de type Mur|Mur)"),
    ("la collecte relève de la Métropole, avec qui", "la collecte relève de l'intercommunalité, avec qui"),
    ("Réseau Compost Citoyen, Grenoble-Alpes Métropole,", "Réseau Compost Citoyen, service déchets de l'intercommunalité,"),
    ("Projet alimentaire inter-territorial grenoblois", "projet alimentaire territorial (PAT)"),
    ("Chambre d'agriculture de l'Isère", "chambre départementale d'agriculture"),
    ("CAUE de l'Isère", "CAUE du département"),
    ("Commande publique durable Auvergne-Rhône-Alpes", "réseaux régionaux de la commande publique durable"),
    ("Agence de l'eau Rhône Méditerranée Corse", "agence de l'eau du bassin"),
    ("ADEME, Grenoble-Alpes Métropole", "ADEME, intercommunalité (compétence GEMAPI)"),
]


def nationalize(apps, schema_editor):
    entries = apps.get_model("actions", "CatalogueAction").objects.filter(territory__isnull=True)
    for entry in entries.only("pk", "description", "sources"):
        description, sources = entry.description, entry.sources
        for old, new in SUBSTITUTIONS:
            description, sources = description.replace(old, new), sources.replace(old, new)
        if (description, sources) != (entry.description, entry.sources):
            entry.description, entry.sources = description, sources
            entry.save(update_fields=["description", "sources"])


class Migration(migrations.Migration):
    dependencies = [("actions", "0007_catalogue_territory")]

    operations = [migrations.RunPython(nationalize, migrations.RunPython.noop)]
