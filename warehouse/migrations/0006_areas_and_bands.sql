-- Areas the publishers name ("northwestern Idleb", "northern Aleppo"): each is a location (kind 'area')
-- defined by the sub-districts a cited page names or maps, one row per member, with its citation.
CREATE TABLE area_members (
    area_pcode   VARCHAR NOT NULL,             -- the area's key (SY-AREA-...), a row of locations
    member_pcode VARCHAR NOT NULL,             -- a sub-district P-code the cited page names or maps
    note         VARCHAR,                      -- how the set was read from the page
    source_id    VARCHAR NOT NULL,
    load_id      INTEGER NOT NULL
);

-- Governorates and districts now have centroids (COD-AB boundaries), but a centroid says nothing about
-- how close to the border the people in a governorate are: v_displacement gives a distance only for
-- sub-districts and places, and no band at all. Bands (with the 'spans …' label of an area whose
-- sub-districts fall in several) are defined once, in warehouse/queries/areas.py (DISTANCE_BANDS).
DROP VIEW v_displacement;
CREATE VIEW v_displacement AS
SELECT
    d.period_start, d.period_end, d.figure_type, ft.measure, d.individuals, d.note,
    d.origin_pcode, o.name_en AS origin_name, o.governorate_pcode AS origin_governorate,
    CASE WHEN o.admin_level >= 3 THEN o.border_km END AS origin_border_km,
    d.destination_pcode, t.name_en AS destination_name, t.governorate_pcode AS destination_governorate,
    t.district_pcode AS destination_district,
    CASE WHEN t.admin_level >= 3 THEN t.border_km END AS destination_border_km,
    d.source_id, s.publisher AS source_publisher, s.title AS source_title, s.is_synthetic, d.load_id
FROM displacement d
JOIN figure_types ft USING (figure_type)
LEFT JOIN v_location_admin o ON o.pcode = d.origin_pcode
LEFT JOIN v_location_admin t ON t.pcode = d.destination_pcode
LEFT JOIN sources s ON s.source_id = d.source_id;
