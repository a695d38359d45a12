-- The roles of the figures in the groups figure_groups marks as checked: places at several levels,
-- or named areas, where one figure may contain or overlap another. The rule is stated in
-- figure_roles, which every reader uses; this is its pairwise part.
-- columns: source_id, figure_type, period_start, period_end, o, d, place_pcode, figure_role, places_in_group
WITH checked AS (      -- each checked group's distinct places; the same place twice is two figures for it
    SELECT source_id, figure_type, period_start, period_end, o, d, o_level, d_level, named, place_pcode, count(*) AS n
    FROM figure_places
    WHERE (source_id, figure_type, period_start, period_end) IN
          (SELECT (source_id, figure_type, period_start, period_end) FROM figure_groups WHERE checked)
    GROUP BY ALL
),
groups AS (
    SELECT source_id, figure_type, period_start, period_end, count(*) AS k,
           count(DISTINCT (o_level, d_level)) AS levels
    FROM checked GROUP BY ALL
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
    SELECT c.source_id, c.figure_type, c.period_start, c.period_end, c.o, c.d, c.place_pcode, c.n,
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
    SELECT source_id, figure_type, period_start, period_end, o, d, place_pcode,
           CASE WHEN meetings = 0 THEN (CASE WHEN levels = 1 THEN 'disjoint' ELSE 'separate' END)
                WHEN enclosing = 1 AND contains = k - 1 THEN 'total'
                WHEN enclosing = 1 THEN 'part'
                ELSE 'overlapping' END AS figure_role, k
    FROM judged
)
SELECT source_id, figure_type, period_start, period_end, o, d, place_pcode, figure_role, k AS places_in_group
FROM roles
