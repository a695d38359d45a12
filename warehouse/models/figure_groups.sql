-- Each group of a report's figures (one report, figure type and period: see figure_roles) and
-- whether the comparability rule has anything to judge in it. A group of one place, or of places
-- all at one tree level and none a named area, holds figures that cannot contain or overlap each
-- other (distinct tree places at one level are disjoint): every figure in it has the group's role,
-- 'single' or 'disjoint'. Only the other groups ("checked") need the pairwise check (checked_roles).
-- Why a model of its own: displacement_placed gives each row the role of its group from here, a
-- join on a few thousand groups, and asks checked_roles only about the rows of checked groups;
-- joining every row to one row per place was most of a big load's rollup time (issue 23).
-- columns: source_id, figure_type, period_start, period_end, checked, group_role
WITH groups AS (            -- one place or several, one level or several: min and max tell, with no count
    SELECT source_id, figure_type, period_start, period_end,
           min((o, d)) <> max((o, d)) AS several_places,
           min((o_level, d_level)) <> max((o_level, d_level)) AS several_levels, bool_or(named) AS named
    FROM figure_places GROUP BY ALL
)
SELECT source_id, figure_type, period_start, period_end,
       several_places AND (several_levels OR named) AS checked,
       CASE WHEN several_places AND (several_levels OR named) THEN NULL
            WHEN several_places THEN 'disjoint' ELSE 'single' END AS group_role
FROM groups
