-- One row per camp: its place, coordinates (its own, else its location's), capacity and distance to
-- the border, in the admin tree.
-- columns: camp_id, name, location_pcode, lat, lon, capacity, border_km, governorate_pcode, district_pcode
SELECT c.camp_id, any_value(c.name) AS name, any_value(c.location_pcode) AS location_pcode,
       coalesce(any_value(c.lat), any_value(a.place_lat)) AS lat,
       coalesce(any_value(c.lon), any_value(a.place_lon)) AS lon,
       max(c.capacity_individuals) AS capacity,
       coalesce(any_value(c.border_km), any_value(a.place_border_km)) AS border_km,
       any_value(a.governorate_pcode) AS governorate_pcode, any_value(a.district_pcode) AS district_pcode
FROM camps c LEFT JOIN location_areas a ON a.pcode = c.location_pcode
GROUP BY c.camp_id
