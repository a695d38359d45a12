"""The war's timeline, 2011 to the latest figure (the Overview): Syrians in Turkey and the
neighbouring countries, IDPs in Syria and deaths in Syria.

Each series is one publisher's reports, so a line never joins two publishers' counts: for a host
country, the publisher ranked first by `refugees.AUTHORITY_RANK` (UNHCR's own statistics first),
then the one covering most years, then the one with most reports; every report of that publisher for the host is on the line (its
latest figure of each year), so UNHCR's operational updates of several years make one series. Deaths are country-wide counts (location SY), each over its own
period: a count for 2011–2021 stays one figure and is never split into years.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from warehouse.queries.base import Filters, fetch_df, where
from warehouse.queries.refugees import AUTHORITY_RANK

NEIGHBOURS = ("TUR", "LBN", "JOR", "IRQ", "EGY")  # Turkey and the neighbouring hosts the 3RP covers
REFUGEE_TYPES = ("refugees", "registered_refugees")  # a camp-only count is a part, never a host's figure
COUNTRY = "SY"
WAR_START = date(2011, 3, 1)  # the uprising: figures that end before it are not the war's


def refugees_by_year(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Syrian refugees per neighbouring host and year: one publisher per host, its latest figure of the year."""
    clause, params = where(
        filters.period_clause("r.period_start", "r.period_end"),
        filters.sources_clause("r.source_id"), ("r.period_end >= $war_start", {"war_start": WAR_START}),
        ("r.origin_iso3 = 'SYR' AND list_contains($hosts, r.asylum_iso3) AND list_contains($types, r.population_type)",
         {"hosts": list(NEIGHBOURS), "types": list(REFUGEE_TYPES)}),
    )
    rank = AUTHORITY_RANK.format(population_type="r.population_type", publisher="c.source_publisher")
    sql = f"""
        WITH figures AS (
            SELECT r.asylum_iso3, r.population_type, r.source_id, c.source_publisher AS publisher,
                   r.period_start, r.period_end, sum(r.persons) AS persons, min({rank}) AS authority
            FROM refugees r LEFT JOIN citations c USING (source_id)
            WHERE {clause}
            GROUP BY ALL
        ),
        chosen AS (  -- one publisher per host: the most authoritative, then most years, then most reports
            SELECT asylum_iso3, arg_min(publisher, (authority, -years, -reports, publisher)) AS publisher
            FROM (SELECT asylum_iso3, publisher, min(authority) AS authority,
                         count(DISTINCT year(period_end)) AS years, count(DISTINCT source_id) AS reports
                  FROM figures GROUP BY ALL)
            GROUP BY asylum_iso3
        )
        SELECT year(f.period_end) AS year, f.period_start, f.period_end, f.asylum_iso3, f.population_type,
               f.persons, f.source_id, c.* EXCLUDE (source_id), s.url AS source_url
        FROM figures f JOIN chosen USING (asylum_iso3, publisher)
        LEFT JOIN citations c ON c.source_id = f.source_id LEFT JOIN sources s ON s.source_id = f.source_id
        QUALIFY row_number() OVER (PARTITION BY f.asylum_iso3, year(f.period_end)
                                   ORDER BY f.period_end DESC, f.authority, f.source_id) = 1
        ORDER BY f.asylum_iso3, f.period_end
    """
    return fetch_df(db_path, sql, params, filters)


def idps_by_year(db_path: Path, filters: Filters) -> pd.DataFrame:
    """IDPs in Syria: UNHCR's statistics (one export where two carry the same table) and the
    cited country-wide IDP stocks (displacement `idp_stock` for SY), each publisher its own series."""
    stats_clause, stats_params = where(
        filters.period_clause("r.period_start", "r.period_end"), filters.sources_clause("r.source_id"),
        ("r.period_end >= $war_start", {"war_start": WAR_START}),
        ("r.origin_iso3 = 'SYR' AND r.asylum_iso3 = 'SYR' AND r.population_type = 'idps'", {}),
    )
    stock_clause, stock_params = where(
        filters.period_clause("d.period_start", "d.period_end"), filters.sources_clause("d.source_id"),
        ("d.period_end >= $war_start", {"war_start": WAR_START}),
        ("d.figure_type = 'idp_stock' AND d.destination_pcode = $country", {"country": COUNTRY}),
    )
    sql = f"""
        WITH stats AS (
            SELECT r.period_start, r.period_end, sum(r.persons) AS individuals, r.source_id
            FROM refugees r WHERE {stats_clause} GROUP BY ALL
        ),
        one_export AS (SELECT arg_min(source_id, (-n, source_id)) AS source_id
                       FROM (SELECT source_id, count(*) AS n FROM stats GROUP BY ALL)),
        figures AS (
            SELECT * FROM stats WHERE source_id IN (SELECT source_id FROM one_export)
            UNION ALL
            SELECT d.period_start, d.period_end, sum(d.individuals), d.source_id
            FROM displacement d WHERE {stock_clause} GROUP BY ALL
        )
        SELECT year(f.period_end) AS year, f.*, c.* EXCLUDE (source_id), s.url AS source_url
        FROM figures f LEFT JOIN citations c USING (source_id) LEFT JOIN sources s USING (source_id)
        ORDER BY f.period_end, f.source_id
    """
    return fetch_df(db_path, sql, {**stats_params, **stock_params}, filters)


def deaths(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Country-wide death counts, each over the period its report covers (never split into years)."""
    clause, params = where(
        filters.period_clause("k.period_start", "k.period_end"), filters.sources_clause("k.source_id"),
        ("k.period_end >= $war_start", {"war_start": WAR_START}),
        ("k.location_pcode = $country", {"country": COUNTRY}),
    )
    sql = f"""
        SELECT k.period_start, k.period_end, k.category, k.deaths_best AS deaths, k.note, k.source_id,
               c.* EXCLUDE (source_id), s.url AS source_url
        FROM casualties k LEFT JOIN citations c USING (source_id) LEFT JOIN sources s USING (source_id)
        WHERE {clause}
        ORDER BY k.period_start, k.period_end, k.source_id
    """
    return fetch_df(db_path, sql, params, filters)
