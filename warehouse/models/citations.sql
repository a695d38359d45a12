-- The citation every figure carries: THE list of citation columns (publisher, title, date).
-- Queries join it on source_id and take `citations.* EXCLUDE (source_id)`.
-- columns: source_id, source_publisher, source_title, source_date
SELECT source_id, publisher AS source_publisher, title AS source_title, published AS source_date
FROM sources
