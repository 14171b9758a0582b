"""Synthetic yearly observatory series for communes: DEMONSTRATION DATA ONLY.

Nothing here is a measurement. The generator invents plausible yearly series (final energy consumption,
greenhouse-gas emissions, renewable production, population) so that the observatory's pages can be shown
before real data (e.g. from the regional observatory) is imported. The orders of magnitude follow public
figures for the Grenoble agglomeration (about 450,000 inhabitants), but the value of any given commune is
invented and must always be presented as demonstration data.

The series are deterministic: every random draw comes from a generator seeded from the INSEE code (and the
year), so the same commune always gets the same values whatever the other communes or the first year; the
last year matters only through the population, back-cast from the population given for that year.

Standard library only (no Django), so it can run as a script: ``python3 observatory/demo_series.py``.
"""

import hashlib
import math
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

SECTORS = [
    "residential",
    "tertiary",
    "industry",
    "energy_branch",
    "waste",
    "road_transport",
    "other_transport",
    "agriculture",
]
CARRIERS = [
    "electricity",
    "natural_gas",
    "oil_products",
    "wood_energy",
    "district_heating",
    "other_renewables",
    "coal",
    "unidentified",
]
SOURCES = [
    "hydro",
    "photovoltaic",
    "wind",
    "solar_thermal",
    "wood_energy",
    "biogas",
    "geothermal_heat_pumps",
    "waste_heat_recovery",
]

CONSUMPTION, EMISSIONS, PRODUCTION, POPULATION = "consumption", "emissions", "production", "population"
UNITS = {CONSUMPTION: "MWh", EMISSIONS: "t CO2e", PRODUCTION: "MWh", POPULATION: "inhabitants"}
CONSOLIDATED, ESTIMATED = "consolidated", "estimated"

Row = tuple[str, int, str, str, str, float | int, str, str]

# The carrier mixes move from their 2005 values to their 2024 values (and keep going, within bounds,
# outside these years). Fixed years, not the requested range, so a value never depends on the range.
_MIX_START, _MIX_END = 2005, 2024

# ---------------------------------------------------------------------------------------------------------
# Consumption levels
# ---------------------------------------------------------------------------------------------------------

# Final consumption per inhabitant in 2005 (MWh) of an "average" commune, before the commune's profile.
# Industry is not here: it is derived from a share of the commune's total (see _Profile.industry_share).
_BASE_LEVEL = {
    "residential": 7.25,
    "tertiary": 3.75,
    "road_transport": 6.95,
    "other_transport": 0.2,
    "agriculture": 0.245,
    "energy_branch": 0.6,
    "waste": 0.28,
}

# Per-inhabitant consumption index (2005 = 1) of the agglomeration, climate-normalised. Consumption falls
# from 2004 to 2007, by about 30% per inhabitant by 2020 and keeps falling afterwards.
_TREND = [
    (1990, 1.05),
    (2000, 1.025),
    (2004, 1.012),
    (2005, 1.0),
    (2007, 0.972),
    (2010, 0.93),
    (2012, 0.90),
    (2016, 0.83),
    (2020, 0.755),
    (2024, 0.69),
]
_TREND_AFTER = 0.985  # yearly factor after the last point
_TREND_FLOOR = 0.35

# How strongly each sector follows the trend (index ** exponent): industry falls faster, transport slower.
_TREND_EXPONENT = {
    "residential": 1.0,
    "tertiary": 0.75,
    "industry": 1.8,
    "energy_branch": 1.0,
    "waste": 0.6,
    "road_transport": 0.75,
    "other_transport": 0.5,
    "agriculture": 0.6,
}

# Relative deviation of the heating need from a normal year (illustrative: 2010 and 2013 cold; 2011,
# 2014, 2020, 2022 warm). Years not listed get a small deterministic draw.
_CLIMATE = {
    2004: 0.01,
    2005: 0.03,
    2006: -0.01,
    2007: -0.05,
    2008: 0.01,
    2009: 0.0,
    2010: 0.07,
    2011: -0.09,
    2012: 0.02,
    2013: 0.05,
    2014: -0.09,
    2015: -0.03,
    2016: 0.0,
    2017: -0.01,
    2018: -0.04,
    2019: -0.03,
    2020: -0.08,
    2021: 0.02,
    2022: -0.08,
    2023: -0.06,
    2024: -0.05,
}
# Share of each sector's consumption that follows the heating need.
_HEATING_SHARE = {"residential": 0.7, "tertiary": 0.5, "industry": 0.05, "agriculture": 0.1}

# One-off shocks: the 2020 lockdowns and their 2021 after-effect.
_SHOCKS = {
    2020: {"road_transport": 0.85, "other_transport": 0.85, "tertiary": 0.97, "industry": 0.95},
    2021: {"road_transport": 0.95, "other_transport": 0.93},
}

# ---------------------------------------------------------------------------------------------------------
# Carrier mixes: (share in 2005, share in 2024[, "late"]) per sector. A pair absent here never exists
# (e.g. no district heating for transport) and is omitted, never written as zero. "late" pairs grow
# slowly at first then faster (electric vehicles).
# ---------------------------------------------------------------------------------------------------------

_MIX: dict[str, dict[str, tuple]] = {
    "residential": {
        "electricity": (0.27, 0.33),
        "natural_gas": (0.38, 0.30),
        "oil_products": (0.15, 0.045),
        "wood_energy": (0.10, 0.17),
        "district_heating": (0.07, 0.10),
        "other_renewables": (0.006, 0.10),
        "coal": (0.006, 0.0),
    },
    "tertiary": {
        "electricity": (0.45, 0.52),
        "natural_gas": (0.31, 0.27),
        "oil_products": (0.12, 0.035),
        "wood_energy": (0.01, 0.03),
        "district_heating": (0.09, 0.11),
        "other_renewables": (0.004, 0.06),
        "unidentified": (0.01, 0.01),
    },
    "industry": {
        "electricity": (0.40, 0.46),
        "natural_gas": (0.40, 0.38),
        "oil_products": (0.08, 0.035),
        "coal": (0.04, 0.004),
        "wood_energy": (0.01, 0.04),
        "unidentified": (0.07, 0.06),
    },
    "energy_branch": {
        "electricity": (0.55, 0.62),
        "natural_gas": (0.35, 0.34),
        "oil_products": (0.10, 0.04),
    },
    "waste": {
        "electricity": (0.55, 0.60),
        "natural_gas": (0.25, 0.25),
        "oil_products": (0.20, 0.15),
    },
    "road_transport": {
        "oil_products": (0.99, 0.92),
        "natural_gas": (0.008, 0.03),
        "electricity": (0.002, 0.05, "late"),
    },
    "other_transport": {
        "electricity": (0.60, 0.70),
        "oil_products": (0.40, 0.30),
    },
    "agriculture": {
        "oil_products": (0.80, 0.72),
        "electricity": (0.12, 0.15),
        "natural_gas": (0.05, 0.05),
        "wood_energy": (0.03, 0.08),
    },
}
_MIN_SHARE = 0.001  # below this share a pair is considered absent that year

# ---------------------------------------------------------------------------------------------------------
# Emissions
# ---------------------------------------------------------------------------------------------------------

# Emission factors (t CO2e per MWh, including upstream), in 2005 and in 2024.
_FACTOR = {
    "natural_gas": (0.227, 0.215),  # a little biomethane blended in over time
    "oil_products": (0.324, 0.318),  # heating oil
    "coal": (0.385, 0.385),
    "wood_energy": (0.030, 0.030),
    "other_renewables": (0.0, 0.0),  # ambient heat and solar (the pumps' electricity counts as electricity)
    "unidentified": (0.20, 0.20),
}
_ELECTRICITY_FACTOR = {  # by sector: electric heating weighs more in buildings
    "residential": (0.10, 0.07),
    "tertiary": (0.08, 0.055),
}
_ELECTRICITY_FACTOR_OTHER = (0.06, 0.045)
_OIL_FACTOR = {
    "road_transport": (0.272, 0.262),
    "other_transport": (0.30, 0.295),
    "agriculture": (0.32, 0.315),
}
_DISTRICT_HEATING_FACTOR = (0.20, 0.09)  # large urban networks: coal then gas, more biomass over time
_SMALL_NETWORK_FACTOR = (0.05, 0.04)  # small wood-fired networks

# Non-energy emissions (refrigerants, industrial processes, livestock and soils, waste treatment).
_NON_ENERGY_PER_INHABITANT = {"residential": 0.16, "tertiary": 0.09, "waste": 0.05}  # t CO2e/inhabitant
_PROCESS_RATIO = 0.06  # t CO2e of process emissions per MWh of industry consumption
_CHEMICAL_PROCESS_RATIO = 0.30  # chemical platforms
_AGRICULTURE_RATIO = 1.3  # t CO2e of livestock and soil emissions per MWh of agriculture consumption

# ---------------------------------------------------------------------------------------------------------
# Commune specifics (assumed for the demonstration, not taken from any inventory)
# ---------------------------------------------------------------------------------------------------------

_INDUSTRY_SHARE_HINT = {"38317": 0.58, "38200": 0.60, "38185": 0.19}  # chemical platforms; the city
_CHEMICAL = {"38317", "38200"}
_DISTRICT_HEATING = {"38185": 2.4, "38151": 1.0, "38421": 1.1, "38158": 0.8, "38516": 1.0, "38169": 0.6}
_HYDRO = {"38071": 230_000.0, "38445": 95_000.0, "38317": 45_000.0, "38529": 6_000.0}  # MWh, mean year
_WASTE_HEAT = {"38516": (85_000.0, 75_000.0), "38185": (15_000.0, 75_000.0)}  # MWh, 2005 -> 2024
_WASTE_PLANTS = {  # extra waste consumption (MWh) and non-energy emissions (t CO2e) of treatment plants
    "38516": (25_000.0, 55_000.0),  # household waste incineration
    "38170": (12_000.0, 3_000.0),  # wastewater treatment
}
_BIOGAS = {"38170": (10_000.0, 28_000.0)}  # wastewater sludge digestion, MWh 2005 -> 2024

# Relative hydroelectric output of each year against a mean year (illustrative).
_HYDROLOGY = {
    2005: 0.85,
    2006: 0.90,
    2007: 0.95,
    2008: 1.05,
    2009: 1.0,
    2010: 1.05,
    2011: 0.80,
    2012: 0.95,
    2013: 1.15,
    2014: 1.12,
    2015: 0.95,
    2016: 1.05,
    2017: 0.82,
    2018: 1.10,
    2019: 0.95,
    2020: 1.0,
    2021: 1.05,
    2022: 0.78,
    2023: 0.92,
    2024: 1.15,
}

# Photovoltaic production per inhabitant (MWh) of an average commune: slow start, fast growth after 2010.
_PHOTOVOLTAIC = [
    (2005, 0.002),
    (2008, 0.006),
    (2011, 0.035),
    (2014, 0.055),
    (2017, 0.08),
    (2020, 0.15),
    (2022, 0.22),
    (2024, 0.37),
]
_PHOTOVOLTAIC_AFTER = 1.10

# Share of biomass in the heat of the large networks, and of heat pumps in "other renewables" (the rest
# being solar thermal).
_NETWORK_BIOMASS = (0.12, 0.65)
_HEAT_PUMP_SHARE = (0.65, 0.85)


def _seed(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def _rng(*parts) -> random.Random:
    return random.Random(_seed(":".join(str(part) for part in parts)))


def _progress(year: int) -> float:
    """0 in 2005, 1 in 2024, extrapolated (within bounds) outside."""
    return min(max((year - _MIX_START) / (_MIX_END - _MIX_START), -0.5), 1.6)


def _between(pair: tuple[float, float], year: int) -> float:
    start, end = pair
    return start + (end - start) * _progress(year)


def _piecewise(points: list[tuple[int, float]], year: int, after: float, floor: float = 0.0) -> float:
    """Linear interpolation between points, flat before the first, geometric after the last."""
    if year <= points[0][0]:
        return points[0][1]
    for (y0, v0), (y1, v1) in zip(points, points[1:], strict=False):
        if year <= y1:
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    last_year, last_value = points[-1]
    return max(last_value * after ** (year - last_year), floor)


def _climate(year: int) -> float:
    if year in _CLIMATE:
        return _CLIMATE[year]
    return _rng("climate", year).uniform(-0.05, 0.05)


def _hydrology(year: int) -> float:
    if year in _HYDROLOGY:
        return _HYDROLOGY[year]
    return _rng("hydrology", year).uniform(0.85, 1.15)


def _rurality(population: int) -> float:
    """0 for a city of 50,000 inhabitants or more, 1 for a village of 500 or fewer (log scale)."""
    population = max(population, 1)
    return min(max((math.log10(50_000) - math.log10(population)) / 2.0, 0.0), 1.0)


@dataclass
class _Profile:
    """What makes one commune differ from the average, drawn once from its INSEE code."""

    code: str
    population: int  # in the last year
    growth: float  # yearly population growth
    levels: dict[str, float] = field(default_factory=dict)  # MWh per inhabitant in 2005, by sector
    trend_exponent: float = 1.0
    has_gas: bool = True
    heavy_industry: bool = False  # industry burning coal (in 2005)
    wood_factor: float = 1.0
    heat_pump_factor: float = 1.0
    district_heating: float = 0.0  # multiplier of the district heating shares (0: no network)
    network_start: int = 0  # first year of a small network (0: none, or a large network)
    photovoltaic_factor: float = 1.0
    farm_biogas: tuple[int, float] | None = None  # (first year, MWh)


def _profile(code: str, population: int) -> _Profile:
    # Every draw is made whatever the commune, in a fixed order, so that profiles stay stable.
    rng = random.Random(int(hashlib.sha256(code.encode()).hexdigest()[:8], 16))
    r = _rurality(population)
    profile = _Profile(code=code, population=population, growth=0.0)
    flat = rng.random() < 0.2
    growth = rng.uniform(0.001, 0.01)
    profile.growth = 0.0 if flat else growth

    levels = profile.levels
    levels["residential"] = _BASE_LEVEL["residential"] * (0.92 + 0.30 * r) * rng.uniform(0.85, 1.15)
    levels["tertiary"] = _BASE_LEVEL["tertiary"] * (1.30 - 0.85 * r) * rng.uniform(0.85, 1.15)
    levels["road_transport"] = _BASE_LEVEL["road_transport"] * (0.80 + 0.60 * r) * rng.uniform(0.85, 1.2)
    levels["other_transport"] = _BASE_LEVEL["other_transport"] * (1.25 - 0.90 * r) * rng.uniform(0.8, 1.2)
    levels["agriculture"] = _BASE_LEVEL["agriculture"] * (0.08 + 5.0 * r) * rng.uniform(0.6, 1.4)

    hydro = _HYDRO.get(code, 0.0)
    energy_branch = code in _HYDRO or code in _DISTRICT_HEATING or population >= 8000
    energy_branch_draw = rng.random() < 0.25
    energy_branch_level = _BASE_LEVEL["energy_branch"] * rng.uniform(0.5, 1.5) + 0.01 * hydro / population
    if energy_branch or energy_branch_draw:
        levels["energy_branch"] = energy_branch_level
    waste = code in _WASTE_PLANTS or population >= 5000
    waste_draw = rng.random() < 0.3
    waste_level = (
        _BASE_LEVEL["waste"] * rng.uniform(0.5, 1.5) + _WASTE_PLANTS.get(code, (0, 0))[0] / population
    )
    if waste or waste_draw:
        levels["waste"] = waste_level

    # Industry as a share of the commune's total: 0-60%, much more on the chemical platforms.
    share = rng.triangular(0.02, 0.45, 0.22) * (1.0 - 0.6 * r)
    share = _INDUSTRY_SHARE_HINT.get(code, share)
    levels["industry"] = share / (1.0 - share) * sum(levels.values())
    profile.heavy_industry = share >= 0.2 and r < 0.5

    profile.trend_exponent = rng.uniform(0.85, 1.15)
    no_gas = rng.random() < 0.6
    profile.has_gas = not (population < 1500 and no_gas)
    profile.wood_factor = (0.6 + 2.4 * r) * rng.uniform(0.8, 1.2)
    profile.heat_pump_factor = (0.7 + 0.8 * r) * rng.uniform(0.7, 1.3)
    small_network = rng.random() < 0.35 * r
    network_start = rng.randint(2008, 2020)
    network_scale = rng.uniform(0.3, 0.8)
    if code in _DISTRICT_HEATING:
        profile.district_heating = _DISTRICT_HEATING[code]
    elif small_network:
        profile.district_heating, profile.network_start = network_scale, network_start
    profile.photovoltaic_factor = (0.7 + 0.9 * r) * rng.uniform(0.6, 1.4)
    farm = rng.random() < 0.15 and r > 0.4
    farm_start, farm_size = rng.randint(2014, 2022), rng.uniform(1500.0, 5000.0)
    if farm:
        profile.farm_biogas = (farm_start, farm_size)
    return profile


def _population(profile: _Profile, year: int, last_year: int) -> float:
    return profile.population / (1.0 + profile.growth) ** (last_year - year)


def _carrier_shares(profile: _Profile, sector: str, year: int, rng: random.Random) -> dict[str, float]:
    u = _progress(year)
    shares = {}
    for carrier, spec in _MIX[sector].items():
        start, end = spec[0], spec[1]
        step = max(u, 0.0) ** 2 if len(spec) > 2 else u
        shares[carrier] = max(start + (end - start) * step, 0.0)
    if sector in ("residential", "tertiary"):
        shares["wood_energy"] *= profile.wood_factor
        shares["other_renewables"] *= profile.heat_pump_factor
        network = profile.district_heating if year >= profile.network_start else 0.0
        shares["district_heating"] *= network
    if sector == "industry" and not profile.heavy_industry:
        del shares["coal"]
    if not profile.has_gas and "natural_gas" in shares:
        # No gas network: heating oil, electricity and wood instead.
        gas = shares.pop("natural_gas")
        for carrier, part in (("oil_products", 0.5), ("electricity", 0.3), ("wood_energy", 0.2)):
            if carrier in shares:
                shares[carrier] += gas * part
    for carrier in CARRIERS:  # always draw, so the sequence of draws does not depend on the pairs
        noise = rng.uniform(0.97, 1.03)
        if carrier in shares:
            shares[carrier] *= noise
    total = sum(shares.values())
    return {carrier: share / total for carrier, share in shares.items() if share / total >= _MIN_SHARE}


def _emission_factor(profile: _Profile, sector: str, carrier: str, year: int) -> float:
    if carrier == "electricity":
        return _between(_ELECTRICITY_FACTOR.get(sector, _ELECTRICITY_FACTOR_OTHER), year)
    if carrier == "oil_products" and sector in _OIL_FACTOR:
        return _between(_OIL_FACTOR[sector], year)
    if carrier == "district_heating":
        pair = _SMALL_NETWORK_FACTOR if profile.network_start else _DISTRICT_HEATING_FACTOR
        return _between(pair, year)
    return _between(_FACTOR[carrier], year)


def _non_energy(profile: _Profile, sector: str, consumption: float, population: float, year: int) -> float:
    """Non-energy emissions of a sector (t CO2e), slowly decreasing."""
    u = max(_progress(year), 0.0)
    if sector in ("residential", "tertiary"):
        # Refrigerants: growing until the mid-2010s, then regulated down.
        return _NON_ENERGY_PER_INHABITANT[sector] * population * (1.0 + 0.15 * u - 0.45 * max(u - 0.5, 0.0))
    if sector == "industry":
        ratio = _CHEMICAL_PROCESS_RATIO if profile.code in _CHEMICAL else _PROCESS_RATIO
        return ratio * consumption * (1.0 - 0.4 * u)
    if sector == "agriculture":
        return _AGRICULTURE_RATIO * consumption * (1.0 - 0.1 * u)
    if sector == "waste":
        plant = _WASTE_PLANTS.get(profile.code, (0.0, 0.0))[1]
        return (_NON_ENERGY_PER_INHABITANT["waste"] * population + plant) * (1.0 - 0.25 * u)
    return 0.0


def _year_rows(profile: _Profile, year: int, last_year: int, status: str) -> Iterator[Row]:
    code = profile.code
    rng = _rng(code, year)
    population = _population(profile, year, last_year)
    yield (code, year, POPULATION, "", "", round(population), UNITS[POPULATION], status)

    trend = _piecewise(_TREND, year, _TREND_AFTER, _TREND_FLOOR)
    climate = _climate(year)
    common = rng.uniform(-0.015, 0.015)  # the commune's own year-to-year variation
    consumption: dict[str, dict[str, float]] = {}
    for sector in SECTORS:
        noise = rng.uniform(-0.015, 0.015)
        shares = _carrier_shares(profile, sector, year, rng)
        if sector not in profile.levels:
            continue
        level = profile.levels[sector] * trend ** (_TREND_EXPONENT[sector] * profile.trend_exponent)
        level *= 1.0 + _HEATING_SHARE.get(sector, 0.0) * climate
        level *= _SHOCKS.get(year, {}).get(sector, 1.0) * (1.0 + common + noise)
        total = level * population
        consumption[sector] = {carrier: total * share for carrier, share in shares.items()}

    for sector, by_carrier in consumption.items():
        for carrier, value in by_carrier.items():
            if round(value, 1) > 0:
                yield (code, year, CONSUMPTION, sector, carrier, round(value, 1), UNITS[CONSUMPTION], status)

    for sector in SECTORS:
        by_carrier = consumption.get(sector, {})
        energy = sum(value * _emission_factor(profile, sector, c, year) for c, value in by_carrier.items())
        value = energy + _non_energy(profile, sector, sum(by_carrier.values()), population, year)
        if round(value, 1) > 0:
            yield (code, year, EMISSIONS, sector, "", round(value, 1), UNITS[EMISSIONS], status)

    for source, value in _production(profile, year, population, consumption, rng).items():
        if round(value, 1) > 0:
            yield (code, year, PRODUCTION, "", source, round(value, 1), UNITS[PRODUCTION], status)


def _production(
    profile: _Profile, year: int, population: float, consumption: dict, rng: random.Random
) -> dict[str, float]:
    """Renewable production by source (MWh), consistent with the commune's consumption."""
    code = profile.code
    noise = {source: rng.uniform(0.95, 1.05) for source in SOURCES}
    u = _progress(year)
    local_wood = sum(by_carrier.get("wood_energy", 0.0) for by_carrier in consumption.values())
    network_heat = sum(by_carrier.get("district_heating", 0.0) for by_carrier in consumption.values())
    biomass = 0.9 if profile.network_start else _between(_NETWORK_BIOMASS, year)
    ambient = sum(by_carrier.get("other_renewables", 0.0) for by_carrier in consumption.values())
    heat_pumps = _between(_HEAT_PUMP_SHARE, year)
    production = {
        "hydro": _HYDRO.get(code, 0.0) * _hydrology(year) * (1.0 + 0.04 * max(u, 0.0)),
        "photovoltaic": _piecewise(_PHOTOVOLTAIC, year, _PHOTOVOLTAIC_AFTER)
        * profile.photovoltaic_factor
        * population,
        "wind": 0.0,  # no wind turbine in this territory
        "solar_thermal": ambient * (1.0 - heat_pumps),
        "wood_energy": local_wood + network_heat * biomass,
        "biogas": _between(_BIOGAS[code], year) if code in _BIOGAS else 0.0,
        "geothermal_heat_pumps": ambient * heat_pumps,
        "waste_heat_recovery": _between(_WASTE_HEAT[code], year) if code in _WASTE_HEAT else 0.0,
    }
    if profile.farm_biogas and year >= profile.farm_biogas[0]:
        production["biogas"] += profile.farm_biogas[1]
    return {source: value * noise[source] for source, value in production.items() if value > 0}


def generate(
    communes: Iterable[tuple[str, int]],
    first_year: int = 2005,
    last_year: int = 2024,
    estimated_years: int = 1,
) -> Iterator[Row]:
    """Yields tuples (insee_code, year, quantity, sector, energy, value, unit, status) for each commune.

    communes: iterable of (insee_code, population_in_last_year) pairs.
    quantity is "consumption" (MWh, by sector AND carrier), "emissions" (t CO2e, by sector, energy ""),
    "production" (MWh, by renewable source in `energy`, sector ""), "population" (unit "inhabitants",
    sector "" energy ""). Pairs that do not exist (no hydro plant, no gas network...) are omitted, not zero.
    status is "consolidated", or "estimated" for the last `estimated_years` years.
    unit: "MWh" for consumption and production, "t CO2e" for emissions, "inhabitants" for population.
    SYNTHETIC DEMONSTRATION DATA: never present these values as real.
    """
    for code, population in communes:
        code = str(code).strip()
        profile = _profile(code, max(int(population or 0), 1))
        for year in range(first_year, last_year + 1):
            status = ESTIMATED if year > last_year - estimated_years else CONSOLIDATED
            yield from _year_rows(profile, year, last_year, status)


def _summary(rows: list[Row]) -> dict[tuple[str, int], dict[str, float]]:
    """Totals by (commune, year): consumption, emissions, production, population."""
    totals: dict[tuple[str, int], dict[str, float]] = {}
    for code, year, quantity, _sector, _energy, value, _unit, _status in rows:
        bucket = totals.setdefault((code, year), dict.fromkeys(UNITS, 0.0))
        bucket[quantity] += value
    return totals


def _report(label: str, totals: dict[str, float]) -> str:
    inhabitants = totals[POPULATION]
    return (
        f"{label}: {totals[CONSUMPTION] / inhabitants:5.1f} MWh/inh, "
        f"{totals[EMISSIONS] / inhabitants:5.2f} t CO2e/inh, "
        f"renewable {100 * totals[PRODUCTION] / totals[CONSUMPTION]:5.1f}% of consumption"
    )


def _self_check() -> None:
    import csv
    from pathlib import Path

    first_year, last_year, estimated_years = 2005, 2024, 1
    samples = [("38185", 156389), ("38071", 3344), ("38317", 10846)]
    rows = list(generate(samples, first_year, last_year, estimated_years))
    assert rows == list(generate(samples, first_year, last_year, estimated_years)), "not deterministic"
    keys = set()
    for code, year, quantity, sector, energy, value, unit, status in rows:
        key = (code, year, quantity, sector, energy)
        assert key not in keys, f"duplicate {key}"
        keys.add(key)
        assert value > 0, f"non-positive value {key}"
        assert unit == UNITS[quantity], f"unit {unit} for {key}"
        expected = ESTIMATED if year > last_year - estimated_years else CONSOLIDATED
        assert status == expected, f"status {status} for {key}"
        if quantity == CONSUMPTION:
            assert sector in SECTORS and energy in CARRIERS and energy in _MIX[sector], key
        elif quantity == EMISSIONS:
            assert sector in SECTORS and energy == "", key
        elif quantity == PRODUCTION:
            assert sector == "" and energy in SOURCES, key
        else:
            assert quantity == POPULATION and sector == energy == "" and isinstance(value, int), key
    assert {code for code, *_ in rows} == {code for code, _ in samples}
    assert {year for _, year, *_ in rows} == set(range(first_year, last_year + 1))
    last_populations = {
        code: value for code, year, q, *_, value, _u, _s in rows if q == POPULATION and year == last_year
    }
    assert last_populations == dict(samples), last_populations

    years = [2005, 2007, 2016, 2020, last_year]
    totals = _summary(rows)
    print("SYNTHETIC DEMONSTRATION DATA (not measurements)")
    for code, _population in samples:
        for year in years:
            print(_report(f"  {code} {year}", totals[(code, year)]))
    print(f"  rows for {len(samples)} communes x {last_year - first_year + 1} years: {len(rows)}")

    # The whole agglomeration, when the platform's list of communes is at hand.
    path = (
        Path(__file__).resolve().parent.parent / "communes" / "data" / "communes-grenoble-alpes-metropole.csv"
    )
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        communes = [(row["insee_code"], int(row["population_municipale"])) for row in csv.DictReader(handle)]
    # From 2004, to check the 2004-2007 fall; the row count is for the default 2005-2024 range.
    rows = list(generate(communes, 2004, last_year, estimated_years))
    by_year: dict[int, dict[str, float]] = {}
    for (_code, year), bucket in _summary(rows).items():
        for quantity, value in bucket.items():
            by_year.setdefault(year, dict.fromkeys(UNITS, 0.0))[quantity] += value
    print(f"Agglomeration ({len(communes)} communes, {round(by_year[last_year][POPULATION])} inhabitants):")
    for year in years:
        print(_report(f"  {year}", by_year[year]))

    def change(quantity: str, start: int, end: int, per_inhabitant: bool = False) -> str:
        ratio = by_year[end][quantity] / by_year[start][quantity]
        if per_inhabitant:
            ratio /= by_year[end][POPULATION] / by_year[start][POPULATION]
        return f"{100 * (ratio - 1):+.1f}%"

    print(f"  consumption 2004 -> 2007: {change(CONSUMPTION, 2004, 2007)} (total)")
    print(f"  consumption per inhabitant 2005 -> 2020: {change(CONSUMPTION, 2005, 2020, True)}")
    print(f"  emissions 2005 -> 2016: {change(EMISSIONS, 2005, 2016)} (total)")
    count = sum(1 for row in rows if row[1] >= first_year)
    print(f"  rows for {len(communes)} communes x {last_year - first_year + 1} years: {count}")
    assert count < 120_000
    for code, _year, quantity, _sector, energy, *_ in rows:
        if quantity == PRODUCTION:
            assert energy != "hydro" or code in _HYDRO, code
            assert energy != "waste_heat_recovery" or code in _WASTE_HEAT, code


if __name__ == "__main__":
    _self_check()
