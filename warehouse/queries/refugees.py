"""Syrian refugees by host country (a stock) and asylum applications (a flow), kept apart."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.queries.base import Filters, fetch_df, where

STOCK_TYPES = ("refugees", "registered_refugees",
               "refugees_in_camps")  # a part of a host's refugees: drawn as its own series, never added


# SQL rank of a refugee stock figure, 0 = most authoritative: the one rule for which source counts when
# several give Syrians in a host country for the same year (the headline, the Refugees page's solid line).
# UNHCR's own statistics (type `refugees` published by UNHCR: the Refugee Data Finder table and its HDX
# export) first, then other publishers' refugee stocks, then registrations quoted in situation reports,
# fact sheets and the reference rows. The others stay as their own series. Fill in the two column
# expressions with str.format (identifiers of the calling query, never user input).
AUTHORITY_RANK = ("CASE WHEN {population_type} = 'refugees' AND {publisher} = 'UNHCR' THEN 0 "
                  "WHEN {population_type} = 'refugees' THEN 1 ELSE 2 END")


def _select(clause: str) -> str:
    return f"""
        SELECT r.period_start, r.period_end, r.asylum_iso3, r.population_type, r.source_id,
               any_value(COLUMNS(citations.* EXCLUDE (source_id))), sum(r.persons) AS persons,
               min({AUTHORITY_RANK.format(population_type="r.population_type", publisher="citations.source_publisher")})
                   AS authority
        FROM refugees r LEFT JOIN citations ON citations.source_id = r.source_id
        WHERE {clause}
        GROUP BY r.period_start, r.period_end, r.asylum_iso3, r.population_type, r.source_id
        ORDER BY r.period_end, r.asylum_iso3
    """


def by_host(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Syrian refugees per host country and reference date (stock figures)."""
    clause, params = where(
        filters.period_clause("r.period_start", "r.period_end"),
        filters.sources_clause("r.source_id"),
        ("r.origin_iso3 = 'SYR' AND r.asylum_iso3 <> 'SYR'", {}),
        ("list_contains($stock_types, r.population_type)", {"stock_types": list(STOCK_TYPES)}),
    )
    return fetch_df(db_path, _select(clause), params, filters)


def applications(db_path: Path, filters: Filters) -> pd.DataFrame:
    """Asylum applications lodged by Syrians per host country and period (flow figures)."""
    clause, params = where(
        filters.period_clause("r.period_start", "r.period_end"),
        filters.sources_clause("r.source_id"),
        ("r.origin_iso3 = 'SYR' AND r.population_type = 'asylum_applications'", {}),
    )
    return fetch_df(db_path, _select(clause), params, filters)
