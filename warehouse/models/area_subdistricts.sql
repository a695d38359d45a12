-- The sub-districts each area covers: named areas (area_members, migration 0006) and, by P-code
-- prefix, every governorate (SY07) and district (SY0703). A region listed by its governorates and
-- districts (Northwest Syria) has no sub-district members here: no distance band is claimed for it.
-- columns: pcode, member_pcode
SELECT DISTINCT m.area_pcode AS pcode, m.member_pcode
FROM area_members m JOIN v_locations s ON s.pcode = m.member_pcode AND s.admin_level = 3
UNION SELECT left(pcode, 4), pcode FROM v_locations WHERE admin_level = 3 AND pcode SIMILAR TO 'SY[0-9]{6}'
UNION SELECT left(pcode, 6), pcode FROM v_locations WHERE admin_level = 3 AND pcode SIMILAR TO 'SY[0-9]{6}'
