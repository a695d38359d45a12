-- Events a source geocodes (Insecurity Insight's attacks on health care) keep their coordinates,
-- so they can be drawn on the map beside the curated timeline.
ALTER TABLE events ADD COLUMN lat DOUBLE;
ALTER TABLE events ADD COLUMN lon DOUBLE;

-- Publishers count movements as well as people: 'displacements' counts a person displaced twice
-- twice, so it is never added to, or drawn on one line with, counts of people.
INSERT INTO figure_types VALUES
    ('displacements',      'flow',  'Displacement movements during the reference period (a person moving twice counts twice)'),
    ('idps_outside_camps', 'stock', 'IDPs living outside camps and sites at the end of the reference period');
