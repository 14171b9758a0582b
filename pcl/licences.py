"""The licence the platform publishes open data under when its source names none."""

# Etalab's Licence Ouverte 2.0: the French public sector's default for open data (reuse, commercial
# included, with attribution).
OPEN_LICENCE = "Licence Ouverte / Open Licence version 2.0"
OPEN_LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
