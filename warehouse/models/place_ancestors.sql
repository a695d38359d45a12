-- Every tree place with itself and the places above it: community < sub-district < district <
-- governorate < Syria < '*' (anywhere). OCHA P-codes nest by prefix (SY07 > SY0703 > SY070301);
-- a community code (C4130) or a crossing takes the chain of its parent. THE nesting rule of the
-- P-code tree: place_nesting and everything that adds figures read it from here.
-- columns: pcode, ancestor
WITH chains AS (
    SELECT l.pcode,
           [l.pcode,
            CASE WHEN l.parent_pcode SIMILAR TO 'SY[0-9]{6}' THEN l.parent_pcode END,
            a.district_pcode, a.governorate_pcode,
            CASE WHEN a.governorate_pcode IS NOT NULL OR l.pcode = 'SY' THEN 'SY' END,
            '*'] AS chain
    FROM v_locations l JOIN v_location_admin a USING (pcode)
)
SELECT DISTINCT pcode, unnest(list_filter(chain, lambda x: x IS NOT NULL)) AS ancestor FROM chains
UNION ALL
SELECT '*', '*'
