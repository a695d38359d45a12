-- The displacement view of earlier releases (migrations 0002, 0006), kept for people who query the
-- warehouse by hand: now the displacement mart itself.
-- columns: period_start, period_end, figure_type, measure, individuals, note, source_id, source_publisher,
--          source_title, source_date, is_synthetic, load_id, origin_pcode, origin_name, origin_governorate,
--          origin_district, origin_border_km, origin_lat, origin_lon, destination_pcode, destination_name,
--          destination_governorate, destination_district, destination_subdistrict, destination_border_km,
--          destination_lat, destination_lon, destination_band, figure_role, counted, place_pcode
SELECT * FROM displacement_placed
