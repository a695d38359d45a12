-- The sub-districts each area covers: named areas (area_members, migration 0006) and, by P-code
-- prefix, every governorate (SY07) and district (SY0703).
-- columns: pcode, member_pcode
SELECT DISTINCT area_pcode AS pcode, member_pcode FROM area_members
UNION SELECT left(pcode, 4), pcode FROM v_locations WHERE admin_level = 3 AND pcode SIMILAR TO 'SY[0-9]{6}'
UNION SELECT left(pcode, 6), pcode FROM v_locations WHERE admin_level = 3 AND pcode SIMILAR TO 'SY[0-9]{6}'
