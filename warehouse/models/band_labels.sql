-- Every label a place can get, nearest first: a band; 'spans 0–25 km' for an area whose
-- sub-districts fall in bands lo..hi (an area is never silently put in one band); 'unknown' last.
-- columns: lo, hi, label, upper_km, sort_order
WITH spans AS (
    SELECT first.position AS lo, last.position AS hi, first.label AS first_label,
           first.lower_km, last.lower_km AS last_lower_km, last.upper_km
    FROM distance_bands first JOIN distance_bands last ON last.position >= first.position
),
labelled AS (
    SELECT lo, hi, upper_km,
           CASE WHEN lo = hi THEN first_label
                WHEN upper_km IS NOT NULL
                    THEN 'spans ' || printf('%g', lower_km) || '–' || printf('%g', upper_km) || ' km'
                ELSE 'spans ' || printf('%g', lower_km) || ' to over ' || printf('%g', last_lower_km) || ' km'
           END AS label
    FROM spans
)
SELECT lo, hi, label, upper_km, row_number() OVER (ORDER BY lo <> hi, lo, hi) AS sort_order FROM labelled
UNION ALL
SELECT NULL, NULL, 'unknown', NULL, (SELECT count(*) + 1 FROM labelled)
