-- Figures that fit no fact table yet (people in need, severity, key figures): kept, cited and
-- shown on the Data page rather than refused. One row per figure, with its reference period,
-- the place it is about (when it is about one) and its unit. Never added to displacement figures.
CREATE TABLE indicators (
    period_start   DATE NOT NULL,
    period_end     DATE NOT NULL,
    location_pcode VARCHAR,
    indicator      VARCHAR NOT NULL,
    value          DOUBLE NOT NULL,
    unit           VARCHAR,
    note           VARCHAR,
    source_id      VARCHAR NOT NULL,
    load_id        INTEGER NOT NULL
);
