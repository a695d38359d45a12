-- Displacement per load, source, figure type, period bucket (displacement_rows) and destination
-- area and band, and role among the report's figures (figure_roles): what the timeline, the border
-- page and the headlines add up (their counted rows only). Materialised as a
-- table at every publish (the rollup: a few hundred thousand rows whatever the number of facts).
-- materialised: incremental by load_id
-- columns: load_id, source_id, figure_type, measure, daily, month, key_start, key_end, period_start, period_end, day_mask,
--          destination_governorate, destination_district, destination_subdistrict, destination_band,
--          area_governorate, counted, figure_role, shown_place, place_lo, place_hi, individuals, row_count, toward,
--          away, same, unknown
SELECT load_id, source_id, figure_type, any_value(measure) AS measure, daily, month, key_start, key_end,
       min(period_start) AS period_start, max(period_end) AS period_end, bit_or(day_bit) AS day_mask,
       destination_governorate, destination_district, destination_subdistrict, destination_band,
       coalesce(destination_governorate, origin_governorate) AS area_governorate,   -- the timeline's area
       -- figure_roles: only counted rows are ever added; a row that is no report figure keeps its place
       counted, figure_role, CASE WHEN figure_role NOT IN ('single', 'total', 'disjoint') THEN place_pcode END AS shown_place,
       min(place_pcode) AS place_lo, max(place_pcode) AS place_hi,
       sum(individuals) AS individuals, count(*) AS row_count,
       -- moved nearer the border than the origin, farther, as far; either distance unknown
       coalesce(sum(individuals) FILTER (WHERE destination_border_km < origin_border_km), 0) AS toward,
       coalesce(sum(individuals) FILTER (WHERE destination_border_km > origin_border_km), 0) AS away,
       coalesce(sum(individuals) FILTER (WHERE destination_border_km = origin_border_km), 0) AS same,
       coalesce(sum(individuals) FILTER (WHERE destination_border_km IS NULL OR origin_border_km IS NULL), 0)
           AS unknown
FROM displacement_rows
GROUP BY load_id, source_id, figure_type, daily, month, key_start, key_end, destination_governorate,
         destination_district, destination_subdistrict, destination_band, area_governorate, counted, figure_role,
         shown_place
