-- THE comparability rule: which of a report's displacement figures may be added, written once.
-- Every chart, export, headline and key message adds only rows this model counts.
--
-- Two figures may be added only when they have the same figure type (so the same measure), come
-- from the same report (source), and cannot count anyone twice: their periods do not overlap, or
-- their places neither contain nor overlap each other (origin and destination both: a flow's place
-- is the pair; an empty end is "anywhere"). Figures of one report, type and period ("a group") so:
--   single      the group's one figure                                     counted
--   total       the figure whose place contains every other one's         counted
--   part        contained in the group's total: shown as a part of it     not counted
--   disjoint    places pairwise disjoint, all at one level (sum allowed)  counted
--   separate    disjoint but at different levels: shares no one, but a    counted; never summed into
--               report total is never a sum across levels                  one report figure
--   overlapping places overlap and none contains the rest: each on its own not counted
-- The same place listed twice in one report and period is two batches of one count (record-level
-- files list a row per batch) and is added, as a single figure.
-- The December 2019 IDP Task Force report: 308,200 movements across Syria (total), of which
-- 214,500 within Idleb and 81,900 Idleb -> Aleppo (parts): its figure is 308,200, never 604,600.
-- Figures of one report and type in different periods never meet here: a period bucket
-- (displacement_rows) holds one period, or single days of a month, which do not overlap.
-- columns: source_id, figure_type, period_start, period_end, origin_pcode, destination_pcode, figure_role,
--          counted, place_pcode, places_in_group
WITH places AS (       -- each group's distinct places; the same place twice is two figures for it
    SELECT source_id, figure_type, period_start, period_end,
           coalesce(origin_pcode, '*') AS o, coalesce(destination_pcode, '*') AS d, count(*) AS n
    FROM displacement
    GROUP BY ALL
),
levelled AS (          -- a place's level: the tree level, 'area' for a named area or region, any for '*'
    SELECT p.*,
           CASE WHEN p.o = '*' THEN 'any' WHEN ol.kind IN ('area', 'region') THEN 'area'
                ELSE coalesce(ol.admin_level::VARCHAR, 'unknown') END AS o_level,
           CASE WHEN p.d = '*' THEN 'any' WHEN dl.kind IN ('area', 'region') THEN 'area'
                ELSE coalesce(dl.admin_level::VARCHAR, 'unknown') END AS d_level,
           coalesce(ol.kind IN ('area', 'region'), FALSE) OR coalesce(dl.kind IN ('area', 'region'), FALSE) AS named
    FROM places p
    LEFT JOIN v_locations ol ON ol.pcode = p.o
    LEFT JOIN v_locations dl ON dl.pcode = p.d
),
groups AS (
    SELECT source_id, figure_type, period_start, period_end, count(*) AS k,
           count(DISTINCT (o_level, d_level)) AS levels, bool_or(named) AS named
    FROM levelled GROUP BY ALL
),
checked AS (           -- groups that need the pairwise check (distinct tree places at one level cannot meet)
    SELECT l.* FROM levelled l JOIN groups g USING (source_id, figure_type, period_start, period_end)
    WHERE g.k > 1 AND (g.levels > 1 OR g.named)
),
pairs AS (             -- two places of a checked group that share people (both ends overlap)
    SELECT a.source_id, a.figure_type, a.period_start, a.period_end, a.o, a.d,
           (a.o = '*' OR a.o = b.o OR coalesce(oo.contains, FALSE))
           AND (a.d = '*' OR a.d = b.d OR coalesce(dd.contains, FALSE)) AS contains_other
    FROM checked a
    JOIN checked b USING (source_id, figure_type, period_start, period_end)
    LEFT JOIN place_nesting oo ON oo.outer_pcode = a.o AND oo.inner_pcode = b.o
    LEFT JOIN place_nesting dd ON dd.outer_pcode = a.d AND dd.inner_pcode = b.d
    WHERE (a.o, a.d) <> (b.o, b.d)
      AND (a.o = '*' OR b.o = '*' OR a.o = b.o OR oo.outer_pcode IS NOT NULL)
      AND (a.d = '*' OR b.d = '*' OR a.d = b.d OR dd.outer_pcode IS NOT NULL)
),
per_place AS (
    SELECT c.source_id, c.figure_type, c.period_start, c.period_end, c.o, c.d, c.n,
           count(p.o) AS meets, count(p.o) FILTER (WHERE p.contains_other) AS contains
    FROM checked c
    LEFT JOIN pairs p USING (source_id, figure_type, period_start, period_end, o, d)
    GROUP BY ALL
),
judged AS (
    SELECT p.*, g.k, g.levels,
           sum(p.meets) OVER w AS meetings,
           count(*) FILTER (WHERE p.contains = g.k - 1) OVER w AS enclosing
    FROM per_place p JOIN groups g USING (source_id, figure_type, period_start, period_end)
    WINDOW w AS (PARTITION BY p.source_id, p.figure_type, p.period_start, p.period_end)
),
roles AS (
    SELECT source_id, figure_type, period_start, period_end, o, d,
           CASE WHEN meetings = 0 THEN (CASE WHEN levels = 1 THEN 'disjoint' ELSE 'separate' END)
                WHEN enclosing = 1 AND contains = k - 1 THEN 'total'
                WHEN enclosing = 1 THEN 'part'
                ELSE 'overlapping' END AS figure_role, k
    FROM judged
    UNION ALL
    SELECT l.source_id, l.figure_type, l.period_start, l.period_end, l.o, l.d,
           CASE WHEN g.k = 1 THEN 'single' ELSE 'disjoint' END, g.k
    FROM levelled l JOIN groups g USING (source_id, figure_type, period_start, period_end)
    WHERE NOT (g.k > 1 AND (g.levels > 1 OR g.named))
)
SELECT source_id, figure_type, period_start, period_end,
       nullif(o, '*') AS origin_pcode, nullif(d, '*') AS destination_pcode, figure_role,
       figure_role IN ('single', 'total', 'disjoint', 'separate') AS counted,
       CASE WHEN d <> '*' THEN d ELSE nullif(o, '*') END AS place_pcode,
       k AS places_in_group
FROM roles
