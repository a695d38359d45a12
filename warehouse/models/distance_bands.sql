-- Distance bands to the Turkey–Syria border: THE definition of the band edges. Everything that
-- bands a place (models, queries, the map's rings, the headlines) reads this relation.
-- columns: position, label, lower_km, upper_km
SELECT position, label, lower_km, upper_km
FROM (VALUES
    (0, '0–10 km',    0.0,  10.0),
    (1, '10–25 km',   10.0, 25.0),
    (2, '25–50 km',   25.0, 50.0),
    (3, 'over 50 km', 50.0, NULL)    -- NULL: no upper edge
) AS bands(position, label, lower_km, upper_km)
