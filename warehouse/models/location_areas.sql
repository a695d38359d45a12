-- Every location with its governorate, district and sub-district P-codes, and its distance band.
-- OCHA P-codes nest by prefix (SY07 > SY0703 > SY070301); community codes (C4130) inherit from
-- their parent sub-district or district. A place without its own coordinates takes the distance to
-- the border of its sub-district (centroid), so communities listed only by P-code still fall in a
-- band. Governorates, districts and named areas get no single distance: their centroid says nothing
-- about how close to the border the people in them are. Their band comes from their sub-districts:
-- one band if all fall in it, else 'spans …'.
-- columns: pcode, admin_level, name_en, name_ar, lat, lon, border_km, in_m4_corridor, governorate_pcode,
--          district_pcode, subdistrict_pcode, place_lat, place_lon, place_border_km, band_lo, band_hi, place_band
WITH base AS (
    SELECT l.pcode, l.admin_level, l.name_en, l.name_ar, l.lat, l.lon, l.border_km, l.in_m4_corridor,
           a.governorate_pcode, a.district_pcode,
           CASE
               WHEN l.pcode LIKE 'SY______' AND length(l.pcode) = 8 THEN l.pcode
               WHEN l.parent_pcode LIKE 'SY______' AND length(l.parent_pcode) = 8 THEN l.parent_pcode
           END AS subdistrict_pcode
    FROM v_locations l JOIN v_location_admin a USING (pcode)
),
member_bands AS (   -- the bands an area's sub-districts fall in; complete when every one has a distance
    SELECT m.pcode, min(b.position) AS lo, max(b.position) AS hi, count(*) = count(b.position) AS complete
    FROM area_subdistricts m
    JOIN v_locations s ON s.pcode = m.member_pcode
    LEFT JOIN distance_bands b ON s.border_km >= b.lower_km AND (b.upper_km IS NULL OR s.border_km < b.upper_km)
    GROUP BY m.pcode
),
placed AS (
    SELECT b.*, coalesce(b.lat, sd.lat) AS place_lat, coalesce(b.lon, sd.lon) AS place_lon,
           CASE WHEN b.admin_level >= 3 THEN coalesce(b.border_km, sd.border_km) END AS place_border_km
    FROM base b LEFT JOIN v_locations sd ON sd.pcode = b.subdistrict_pcode
),
ranged AS (
    SELECT p.*,
           CASE WHEN p.place_border_km IS NOT NULL THEN own.position WHEN mb.complete THEN mb.lo END AS band_lo,
           CASE WHEN p.place_border_km IS NOT NULL THEN own.position WHEN mb.complete THEN mb.hi END AS band_hi
    FROM placed p
    LEFT JOIN member_bands mb USING (pcode)
    LEFT JOIN distance_bands own
        ON p.place_border_km >= own.lower_km AND (own.upper_km IS NULL OR p.place_border_km < own.upper_km)
)
SELECT r.*, coalesce(l.label, 'unknown') AS place_band
FROM ranged r LEFT JOIN band_labels l ON l.lo = r.band_lo AND l.hi = r.band_hi
