-- Core tables. Every fact row carries source_id and load_id (provenance),
-- and a reference period (period_start .. period_end, inclusive).

CREATE TABLE sources (
    source_id    VARCHAR PRIMARY KEY,          -- stable key derived from publisher, title and URL
    publisher    VARCHAR NOT NULL,
    title        VARCHAR NOT NULL,
    url          VARCHAR,
    licence      VARCHAR,
    published    DATE,
    is_synthetic BOOLEAN NOT NULL DEFAULT false,
    notes        VARCHAR
);

CREATE SEQUENCE load_ids START 1;

CREATE TABLE loads (
    load_id          INTEGER PRIMARY KEY,
    file_name        VARCHAR NOT NULL,
    file_sha256      VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,
    rows_read        BIGINT NOT NULL DEFAULT 0,
    rows_loaded      BIGINT NOT NULL DEFAULT 0,
    rows_rejected    BIGINT NOT NULL DEFAULT 0,
    started_at       TIMESTAMP NOT NULL,
    finished_at      TIMESTAMP,
    status           VARCHAR NOT NULL,         -- loaded | replaced | rolled_back
    error            VARCHAR,
    loaded_by        VARCHAR,
    replaces_load_id INTEGER
);

CREATE TABLE rejects (
    load_id     INTEGER NOT NULL,
    sheet       VARCHAR,
    row_number  BIGINT,
    column_name VARCHAR,
    reason      VARCHAR NOT NULL,
    raw         VARCHAR                        -- the row as read, JSON
);

CREATE TABLE figure_types (
    figure_type VARCHAR PRIMARY KEY,
    measure     VARCHAR NOT NULL CHECK (measure IN ('flow', 'stock')),
    description VARCHAR NOT NULL
);

INSERT INTO figure_types VALUES
    ('newly_displaced', 'flow',  'People newly displaced during the reference period'),
    ('arrivals',        'flow',  'IDP arrivals into the destination during the reference period'),
    ('departures',      'flow',  'IDP departures from the origin during the reference period'),
    ('returns',         'flow',  'Spontaneous returns of IDPs during the reference period'),
    ('idp_stock',       'stock', 'IDPs present at the end of the reference period'),
    ('idps_in_camps',   'stock', 'IDPs living in camps or sites at the end of the reference period'),
    ('returnees_stock', 'stock', 'Returnees present at the end of the reference period');

CREATE TABLE locations (
    pcode          VARCHAR NOT NULL,           -- OCHA P-code (SY07, SY0700, SY070000, C4099) or a project key
    admin_level    SMALLINT NOT NULL,          -- 0 country/region, 1 governorate, 2 district, 3 sub-district, 4 community/place
    kind           VARCHAR NOT NULL,
    parent_pcode   VARCHAR,
    name_en        VARCHAR NOT NULL,
    name_ar        VARCHAR,
    lat            DOUBLE,
    lon            DOUBLE,
    border_km      DOUBLE,                     -- distance to the Turkey-Syria border, computed by etl.geo
    in_m4_corridor BOOLEAN,
    source_id      VARCHAR NOT NULL,
    load_id        INTEGER NOT NULL
);

CREATE TABLE location_shapes (
    pcode     VARCHAR NOT NULL,
    geojson   VARCHAR NOT NULL,                -- GeoJSON geometry, lon/lat WGS84
    source_id VARCHAR NOT NULL,
    load_id   INTEGER NOT NULL
);

CREATE TABLE map_layers (
    layer     VARCHAR NOT NULL,                -- border | country | road
    name      VARCHAR NOT NULL,
    geojson   VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    load_id   INTEGER NOT NULL
);

CREATE TABLE displacement (
    period_start      DATE NOT NULL,
    period_end        DATE NOT NULL,
    origin_pcode      VARCHAR,
    destination_pcode VARCHAR,
    figure_type       VARCHAR NOT NULL,
    individuals       DOUBLE NOT NULL,         -- some publishers give fractional estimates
    note              VARCHAR,
    source_id         VARCHAR NOT NULL,
    load_id           INTEGER NOT NULL
);

CREATE TABLE refugees (
    period_start    DATE NOT NULL,
    period_end      DATE NOT NULL,
    origin_iso3     VARCHAR NOT NULL,
    asylum_iso3     VARCHAR NOT NULL,
    population_type VARCHAR NOT NULL,          -- refugees | asylum_seekers | asylum_applications | registered_refugees | ...
    persons         DOUBLE NOT NULL,
    note            VARCHAR,
    source_id       VARCHAR NOT NULL,
    load_id         INTEGER NOT NULL
);

CREATE TABLE casualties (
    period_start   DATE NOT NULL,
    period_end     DATE NOT NULL,
    location_pcode VARCHAR,
    deaths_low     DOUBLE,
    deaths_best    DOUBLE NOT NULL,
    deaths_high    DOUBLE,
    category       VARCHAR NOT NULL,           -- all | civilians | children
    note           VARCHAR,
    source_id      VARCHAR NOT NULL,
    load_id        INTEGER NOT NULL
);

CREATE TABLE camps (
    camp_id              VARCHAR NOT NULL,
    name                 VARCHAR NOT NULL,
    location_pcode       VARCHAR,
    lat                  DOUBLE,
    lon                  DOUBLE,
    capacity_individuals DOUBLE,
    border_km            DOUBLE,
    source_id            VARCHAR NOT NULL,
    load_id              INTEGER NOT NULL
);

CREATE TABLE camp_population (
    camp_id      VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,
    individuals  DOUBLE NOT NULL,
    households   DOUBLE,
    source_id    VARCHAR NOT NULL,
    load_id      INTEGER NOT NULL
);

CREATE TABLE events (
    event_date     DATE NOT NULL,
    end_date       DATE,
    title          VARCHAR NOT NULL,
    description    VARCHAR,
    location_pcode VARCHAR,
    category       VARCHAR,
    source_id      VARCHAR NOT NULL,
    load_id        INTEGER NOT NULL
);
