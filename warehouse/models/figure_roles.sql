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
-- Groups where nothing can meet (figure_groups) give every figure the group's role; the others are
-- judged pair by pair (checked_roles). Which roles are added: counted_roles.
-- columns: source_id, figure_type, period_start, period_end, origin_pcode, destination_pcode, figure_role,
--          counted, place_pcode, places_in_group
WITH plain AS (        -- each unchecked group's distinct places
    SELECT source_id, figure_type, period_start, period_end, o, d, place_pcode, any_value(g.group_role) AS figure_role
    FROM figure_places
    JOIN figure_groups g USING (source_id, figure_type, period_start, period_end)
    WHERE NOT g.checked
    GROUP BY ALL
),
roles AS (
    SELECT *, count(*) OVER (PARTITION BY source_id, figure_type, period_start, period_end) AS places_in_group
    FROM plain
    UNION ALL
    SELECT * FROM checked_roles
)
SELECT source_id, figure_type, period_start, period_end,
       nullif(o, '*') AS origin_pcode, nullif(d, '*') AS destination_pcode, figure_role,
       figure_role IN (SELECT figure_role FROM counted_roles WHERE counted) AS counted,
       place_pcode,
       places_in_group
FROM roles
