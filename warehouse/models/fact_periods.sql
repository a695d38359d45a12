-- The reference period of every figure and event, whatever its table: what the date filter can
-- offer, the default period, and how fresh each source is are all read from here.
-- columns: source_id, load_id, first_day, last_day
SELECT source_id, load_id, period_start AS first_day, period_end AS last_day FROM displacement
UNION ALL SELECT source_id, load_id, period_start, period_end FROM refugees
UNION ALL SELECT source_id, load_id, period_start, period_end FROM casualties
UNION ALL SELECT source_id, load_id, period_start, period_end FROM camp_population
UNION ALL SELECT source_id, load_id, event_date, coalesce(end_date, event_date) FROM events
