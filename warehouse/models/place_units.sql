-- What each place is made of, in units of the P-code tree: a tree place (Syria, a governorate,
-- district, sub-district or community) is its own unit; an area or region the publishers name
-- ("northern Aleppo", "Northwest Syria") is the tree places a cited page lists for it
-- (area_members). '*' is "anywhere": the place of a figure that names none (an empty origin).
-- Two places share people only where their units meet in the tree (place_nesting).
-- columns: pcode, unit
WITH named AS (SELECT DISTINCT area_pcode AS pcode, member_pcode AS unit FROM area_members)
SELECT pcode, unit FROM named
UNION ALL
SELECT pcode, pcode FROM v_locations WHERE pcode NOT IN (SELECT pcode FROM named)
UNION ALL
SELECT '*', '*'
