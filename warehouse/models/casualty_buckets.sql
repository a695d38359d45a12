-- Recorded deaths per load, source, category, period bucket, governorate and district; low and
-- high counted so a reader knows whether every row gave one.
-- materialised: incremental by load_id
-- columns: load_id, source_id, category, daily, month, key_start, key_end, period_start, period_end, day_mask, governorate_pcode,
--          district_pcode, deaths_best, deaths_low, deaths_high, low_count, high_count, row_count
SELECT load_id, source_id, category, daily, month, key_start, key_end, min(period_start) AS period_start,
       max(period_end) AS period_end, bit_or(day_bit) AS day_mask, governorate_pcode, district_pcode,
       sum(deaths_best) AS deaths_best, sum(deaths_low) AS deaths_low, sum(deaths_high) AS deaths_high,
       count(deaths_low) AS low_count, count(deaths_high) AS high_count, count(*) AS row_count
FROM casualties_placed
GROUP BY load_id, source_id, category, daily, month, key_start, key_end, governorate_pcode, district_pcode
