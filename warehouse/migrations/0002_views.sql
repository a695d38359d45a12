-- Views the dashboard reads. Several loads may describe the same place (the
-- gazetteer, a boundary file, a community list): v_locations merges them,
-- newest load first, attribute by attribute.

CREATE VIEW v_locations AS
SELECT
    pcode,
    arg_max(admin_level, load_id)                                   AS admin_level,
    arg_max(kind, load_id)                                          AS kind,
    arg_max(parent_pcode, load_id) FILTER (WHERE parent_pcode IS NOT NULL) AS parent_pcode,
    arg_max(name_en, load_id)                                       AS name_en,
    arg_max(name_ar, load_id) FILTER (WHERE name_ar IS NOT NULL)    AS name_ar,
    arg_max(lat, load_id) FILTER (WHERE lat IS NOT NULL)            AS lat,
    arg_max(lon, load_id) FILTER (WHERE lon IS NOT NULL)            AS lon,
    arg_max(border_km, load_id) FILTER (WHERE border_km IS NOT NULL) AS border_km,
    arg_max(in_m4_corridor, load_id) FILTER (WHERE in_m4_corridor IS NOT NULL) AS in_m4_corridor
FROM locations
GROUP BY pcode;

-- Governorate of every location: OCHA P-codes carry it in their first four
-- characters (SY07...); community codes (C4099) inherit it from their parent.
CREATE VIEW v_location_admin AS
SELECT
    l.pcode, l.admin_level, l.kind, l.name_en, l.name_ar, l.lat, l.lon, l.border_km, l.in_m4_corridor,
    CASE
        WHEN l.pcode LIKE 'SY__%' AND l.pcode NOT LIKE 'SY-%' THEN left(l.pcode, 4)
        WHEN l.parent_pcode LIKE 'SY__%' AND l.parent_pcode NOT LIKE 'SY-%' THEN left(l.parent_pcode, 4)
    END AS governorate_pcode,
    CASE
        WHEN l.pcode LIKE 'SY____%' AND l.pcode NOT LIKE 'SY-%' THEN left(l.pcode, 6)
        WHEN l.parent_pcode LIKE 'SY____%' AND l.parent_pcode NOT LIKE 'SY-%' THEN left(l.parent_pcode, 6)
    END AS district_pcode
FROM v_locations l;

CREATE VIEW v_displacement AS
SELECT
    d.period_start, d.period_end, d.figure_type, ft.measure, d.individuals, d.note,
    d.origin_pcode, o.name_en AS origin_name, o.governorate_pcode AS origin_governorate, o.border_km AS origin_border_km,
    d.destination_pcode, t.name_en AS destination_name, t.governorate_pcode AS destination_governorate,
    t.district_pcode AS destination_district, t.border_km AS destination_border_km,
    CASE
        WHEN t.border_km IS NULL THEN 'unknown'
        WHEN t.border_km < 10 THEN '0–10 km'
        WHEN t.border_km < 25 THEN '10–25 km'
        WHEN t.border_km < 50 THEN '25–50 km'
        ELSE 'over 50 km'
    END AS destination_band,
    d.source_id, s.publisher AS source_publisher, s.title AS source_title, s.is_synthetic, d.load_id
FROM displacement d
JOIN figure_types ft USING (figure_type)
LEFT JOIN v_location_admin o ON o.pcode = d.origin_pcode
LEFT JOIN v_location_admin t ON t.pcode = d.destination_pcode
LEFT JOIN sources s ON s.source_id = d.source_id;
