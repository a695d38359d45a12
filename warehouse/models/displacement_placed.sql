-- Displacement rows with both ends placed in the admin tree (location_areas), the destination's
-- distance band, the row's citation, and its role among its report's figures (figure_roles: only
-- `counted` rows may be added): the displacement mart every query reads.
-- columns: period_start, period_end, figure_type, measure, individuals, note, source_id, source_publisher,
--          source_title, source_date, is_synthetic, load_id, origin_pcode, origin_name, origin_governorate,
--          origin_district, origin_border_km, origin_lat, origin_lon, destination_pcode, destination_name,
--          destination_governorate, destination_district, destination_subdistrict, destination_border_km,
--          destination_lat, destination_lon, destination_band, figure_role, counted, place_pcode
WITH roled AS (       -- each row with its role among its report's figures, as figure_roles gives it:
    SELECT d.*, g.group_role AS figure_role      -- its group's (figure_groups), where no two places can meet
    FROM figure_places d
    JOIN figure_groups g ON g.source_id = d.source_id AND g.figure_type = d.figure_type
        AND g.period_start = d.period_start AND g.period_end = d.period_end
    WHERE NOT g.checked
    UNION ALL
    SELECT d.*, r.figure_role                    -- its own (checked_roles), where they may
    FROM (SELECT * FROM figure_places
          WHERE (source_id, figure_type, period_start, period_end) IN
                (SELECT (source_id, figure_type, period_start, period_end) FROM figure_groups WHERE checked)) d
    JOIN checked_roles r ON r.source_id = d.source_id AND r.figure_type = d.figure_type
        AND r.period_start = d.period_start AND r.period_end = d.period_end AND r.o = d.o AND r.d = d.d
)
SELECT d.period_start, d.period_end, d.figure_type, ft.measure, d.individuals, d.note,
       d.source_id, citations.* EXCLUDE (source_id), s.is_synthetic, d.load_id,
       d.origin_pcode, o.name_en AS origin_name, o.governorate_pcode AS origin_governorate,
       o.district_pcode AS origin_district, o.place_border_km AS origin_border_km,
       o.place_lat AS origin_lat, o.place_lon AS origin_lon,
       d.destination_pcode, t.name_en AS destination_name, t.governorate_pcode AS destination_governorate,
       t.district_pcode AS destination_district, t.subdistrict_pcode AS destination_subdistrict,
       t.place_border_km AS destination_border_km, t.place_lat AS destination_lat, t.place_lon AS destination_lon,
       coalesce(t.place_band, 'unknown') AS destination_band,
       d.figure_role, roles.counted, d.place_pcode
FROM roled d
JOIN counted_roles roles USING (figure_role)
JOIN figure_types ft USING (figure_type)
LEFT JOIN location_areas o ON o.pcode = d.origin_pcode
LEFT JOIN location_areas t ON t.pcode = d.destination_pcode
LEFT JOIN sources s ON s.source_id = d.source_id
LEFT JOIN citations ON citations.source_id = d.source_id
