-- Casualty rows placed in the admin tree (governorate, district of their location), with their
-- period bucket: a single-day record is gathered into its calendar month (see displacement_rows).
-- columns: period_start, period_end, category, location_pcode, deaths_low, deaths_best, deaths_high, note,
--          source_id, load_id, governorate_pcode, district_pcode, daily, month, key_start, key_end, day_bit
WITH rows AS (
    SELECT c.period_start, c.period_end, c.category, c.location_pcode, c.deaths_low, c.deaths_best,
           c.deaths_high, c.note, c.source_id, c.load_id, a.governorate_pcode, a.district_pcode,
           c.period_start = c.period_end AS daily
    FROM casualties c LEFT JOIN location_areas a ON a.pcode = c.location_pcode
)
SELECT *, date_trunc('month', period_end)::DATE AS month,
       -- the bucket: the month of a single day, else the row's own period
       CASE WHEN daily THEN month ELSE period_start END AS key_start,
       CASE WHEN daily THEN month ELSE period_end END AS key_end,
       (CASE WHEN daily THEN 1::UBIGINT << (day(period_end) - 1) ELSE 0 END)::UBIGINT AS day_bit  -- bit d-1 for day d
FROM rows
