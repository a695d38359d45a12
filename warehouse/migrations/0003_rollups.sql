-- Rollups the dashboard reads instead of scanning millions of fact rows.
-- Rebuilt by warehouse.rollups.rebuild inside every publish that changes
-- facts, so readers never see facts and rollups out of step.
--
-- Periods: a single-day flow row ("daily") is gathered into its calendar
-- month (the bucket carries the first and last day it holds, and a bitmask of
-- the days, so reports and days covered stay countable). Any other row keeps
-- its own reference period: overlapping (cumulative) reports are never added,
-- and stocks are never summed across dates.

CREATE TABLE displacement_rollup (
    load_id                 INTEGER NOT NULL,
    source_id               VARCHAR NOT NULL,
    figure_type             VARCHAR NOT NULL,
    measure                 VARCHAR NOT NULL,
    daily                   BOOLEAN NOT NULL,   -- single-day flows gathered into their month
    month                   DATE NOT NULL,      -- month of period_end
    period_start            DATE NOT NULL,      -- the period, or the first day gathered
    period_end              DATE NOT NULL,      -- the period, or the last day gathered
    day_mask                UBIGINT NOT NULL,   -- daily: bit d-1 set for each day d gathered; else 0
    destination_governorate VARCHAR,
    destination_district    VARCHAR,
    destination_subdistrict VARCHAR,
    destination_band        VARCHAR NOT NULL,
    area_governorate        VARCHAR,            -- destination governorate, else origin's (the timeline's area)
    individuals             DOUBLE NOT NULL,
    row_count               BIGINT NOT NULL,
    toward                  DOUBLE NOT NULL,    -- moved nearer the border than the origin
    away                    DOUBLE NOT NULL,
    same                    DOUBLE NOT NULL,
    unknown                 DOUBLE NOT NULL     -- either distance unknown
);

-- Origin -> destination areas, for flow tables and map lines.
CREATE TABLE displacement_flow_rollup (
    load_id                 INTEGER NOT NULL,
    source_id               VARCHAR NOT NULL,
    figure_type             VARCHAR NOT NULL,
    daily                   BOOLEAN NOT NULL,
    month                   DATE NOT NULL,
    period_start            DATE NOT NULL,
    period_end              DATE NOT NULL,
    origin_governorate      VARCHAR,
    origin_district         VARCHAR,
    origin_area             VARCHAR,            -- district, else governorate, else the P-code as given
    destination_governorate VARCHAR,
    destination_district    VARCHAR,
    destination_area        VARCHAR,
    individuals             DOUBLE NOT NULL
);

-- Distinct notes per period bucket, for the timeline's hover text.
CREATE TABLE displacement_notes (
    load_id          INTEGER NOT NULL,
    source_id        VARCHAR NOT NULL,
    figure_type      VARCHAR NOT NULL,
    daily            BOOLEAN NOT NULL,
    month            DATE NOT NULL,
    period_start     DATE NOT NULL,
    period_end       DATE NOT NULL,
    area_governorate VARCHAR,
    note             VARCHAR NOT NULL
);

CREATE TABLE casualties_rollup (
    load_id           INTEGER NOT NULL,
    source_id         VARCHAR NOT NULL,
    category          VARCHAR NOT NULL,
    daily             BOOLEAN NOT NULL,
    month             DATE NOT NULL,
    period_start      DATE NOT NULL,
    period_end        DATE NOT NULL,
    day_mask          UBIGINT NOT NULL,
    governorate_pcode VARCHAR,
    district_pcode    VARCHAR,
    deaths_best       DOUBLE NOT NULL,
    deaths_low        DOUBLE,
    deaths_high       DOUBLE,
    low_count         BIGINT NOT NULL,      -- rows giving a low estimate
    high_count        BIGINT NOT NULL,
    row_count         BIGINT NOT NULL
);

-- What the rollups were built from; readers compare it with the facts and
-- read the facts directly if they differ (a writer that skipped rebuild).
CREATE TABLE rollup_state (
    locations_hash VARCHAR NOT NULL,
    facts_state    VARCHAR NOT NULL
);
