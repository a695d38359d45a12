-- Which roles of a report's figures (figure_roles) may be added: the one list.
-- columns: figure_role, counted
SELECT * FROM (VALUES ('single', TRUE), ('total', TRUE), ('disjoint', TRUE), ('separate', TRUE),
                      ('part', FALSE), ('overlapping', FALSE)) AS roles(figure_role, counted)
