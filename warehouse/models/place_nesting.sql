-- Which places contain, and which overlap, which: the one answer to "may these two places'
-- figures be added?" (never, when they share people). Place A contains place B when every unit of
-- B (place_units) lies at or under a unit of A in the P-code tree (place_ancestors); two places
-- overlap when a unit of one lies at or under a unit of the other. So Syria contains Northwest
-- Syria, which contains Idleb (SY07) and northern Aleppo; northern Aleppo overlaps the A'zaz
-- district (SY0204) without containing it; northern Aleppo and northwestern Idleb are disjoint.
-- '*' (anywhere) contains every place. A place contains and overlaps itself.
-- columns: outer_pcode, inner_pcode, contains
WITH reach AS (        -- each place, each of its units and every tree place at or above that unit
    SELECT u.pcode, u.unit, a.ancestor FROM place_units u JOIN place_ancestors a ON a.pcode = u.unit
),
above AS (             -- a unit of outer lies at or above `unit`, a unit of inner
    SELECT DISTINCT o.pcode AS outer_pcode, r.pcode AS inner_pcode, r.unit
    FROM reach r JOIN place_units o ON o.unit = r.ancestor
),
unit_counts AS (SELECT pcode, count(DISTINCT unit) AS units FROM place_units GROUP BY pcode),
covered AS (
    SELECT a.outer_pcode, a.inner_pcode, count(DISTINCT a.unit) = any_value(c.units) AS contains
    FROM above a JOIN unit_counts c ON c.pcode = a.inner_pcode
    GROUP BY a.outer_pcode, a.inner_pcode
)
SELECT outer_pcode, inner_pcode, bool_or(contains) AS contains
FROM (SELECT * FROM covered
      UNION ALL SELECT inner_pcode, outer_pcode, FALSE FROM covered)   -- overlap goes both ways
GROUP BY outer_pcode, inner_pcode
