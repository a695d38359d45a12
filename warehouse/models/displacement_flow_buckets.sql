-- Flows from origin area to destination area (district, else governorate, else the P-code as
-- given) per load, source, figure type and period bucket: flow tables and map lines (readers add
-- counted rows only: figure_roles).
-- materialised: incremental by load_id
-- columns: load_id, source_id, figure_type, daily, month, key_start, key_end, period_start, period_end, origin_governorate,
--          origin_district, origin_area, destination_governorate, destination_district, destination_area, counted,
--          individuals
SELECT load_id, source_id, figure_type, daily, month, key_start, key_end, min(period_start) AS period_start,
       max(period_end) AS period_end, origin_governorate, origin_district,
       coalesce(origin_district, origin_governorate, origin_pcode) AS origin_area,
       destination_governorate, destination_district,
       coalesce(destination_district, destination_governorate, destination_pcode) AS destination_area,
       counted, sum(individuals) AS individuals
FROM displacement_rows
WHERE measure = 'flow'
GROUP BY load_id, source_id, figure_type, daily, month, key_start, key_end, origin_governorate, origin_district,
         origin_area, destination_governorate, destination_district, destination_area, counted
