-- A timeline labels only its key events (the start of an offensive, the fall of a town, an agreement)
-- and draws the others as ticks: the bundled timeline marks them 'key', anything else is 'other' or empty.
ALTER TABLE events ADD COLUMN importance VARCHAR;
