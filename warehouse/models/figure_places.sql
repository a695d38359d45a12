-- Every displacement figure's place as the comparability rule sees it: origin and destination
-- ('*' for anywhere), the level of each (the tree level, 'area' for a named area or region, 'any'
-- for '*') and whether either is a named area, and the place a figure is shown at (the
-- destination, else the origin). One row per displacement row, with the columns displacement_placed
-- reads (the rule itself reads only the report, figure type, period and places).
-- columns: period_start, period_end, origin_pcode, destination_pcode, figure_type, individuals, note, source_id,
--          load_id, o, d, o_level, d_level, named, place_pcode
WITH keyed AS (
    SELECT *, coalesce(origin_pcode, '*') AS o, coalesce(destination_pcode, '*') AS d
    FROM displacement
),
placed AS (
    SELECT k.*,
           CASE WHEN k.o = '*' THEN 'any' WHEN ol.kind IN ('area', 'region') THEN 'area'
                ELSE coalesce(ol.admin_level::VARCHAR, 'unknown') END AS o_level,
           CASE WHEN k.d = '*' THEN 'any' WHEN dl.kind IN ('area', 'region') THEN 'area'
                ELSE coalesce(dl.admin_level::VARCHAR, 'unknown') END AS d_level,
           coalesce(ol.kind IN ('area', 'region'), FALSE) OR coalesce(dl.kind IN ('area', 'region'), FALSE) AS named
    FROM keyed k
    LEFT JOIN v_locations ol ON ol.pcode = k.o
    LEFT JOIN v_locations dl ON dl.pcode = k.d
)
SELECT *, CASE WHEN d <> '*' THEN d ELSE nullif(o, '*') END AS place_pcode FROM placed
