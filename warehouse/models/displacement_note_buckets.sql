-- The distinct notes of each period bucket and area, for the timeline's hover text.
-- materialised: incremental by load_id
-- columns: load_id, source_id, figure_type, daily, month, key_start, key_end, period_start, period_end, area_governorate, counted,
--          shown_place, note
SELECT load_id, source_id, figure_type, daily, month, key_start, key_end, min(period_start) AS period_start,
       max(period_end) AS period_end, coalesce(destination_governorate, origin_governorate) AS area_governorate,
       counted, CASE WHEN figure_role NOT IN ('single', 'total', 'disjoint') THEN place_pcode END AS shown_place, note
FROM displacement_rows
WHERE note IS NOT NULL
GROUP BY load_id, source_id, figure_type, daily, month, key_start, key_end, area_governorate, counted, shown_place, note
