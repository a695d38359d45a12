-- Displacement rows with their period bucket. A single-day flow row ("daily") is gathered into its
-- calendar month: the bucket keeps the first and last day it holds and a bitmask of the days
-- (bit d-1 for day d), so reports and days covered stay countable. Any other row keeps its own
-- reference period: overlapping (cumulative) reports are never added, and stocks never summed
-- across dates.
-- columns: period_start, period_end, figure_type, measure, individuals, note, source_id, load_id,
--          origin_pcode, origin_governorate, origin_district, origin_border_km, destination_pcode,
--          destination_governorate, destination_district, destination_subdistrict, destination_border_km,
--          destination_band, figure_role, counted, place_pcode, daily, month, key_start, key_end, day_bit
WITH rows AS (
    SELECT period_start, period_end, figure_type, measure, individuals, note, source_id, load_id,
           origin_pcode, origin_governorate, origin_district, origin_border_km,
           destination_pcode, destination_governorate, destination_district, destination_subdistrict,
           destination_border_km, destination_band, figure_role, counted, place_pcode,
           measure = 'flow' AND period_start = period_end AS daily
    FROM displacement_placed
)
SELECT *, date_trunc('month', period_end)::DATE AS month,
       -- the bucket: the month of a single day, else the row's own period
       CASE WHEN daily THEN month ELSE period_start END AS key_start,
       CASE WHEN daily THEN month ELSE period_end END AS key_end,
       (CASE WHEN daily THEN 1::UBIGINT << (day(period_end) - 1) ELSE 0 END)::UBIGINT AS day_bit  -- bit d-1 for day d
FROM rows
