-- An event's title in Arabic, beside the English one: the timeline's labels, ticks, key-event
-- lists and the map's patrol hover read it on the Arabic pages (an event without one keeps its
-- English title there). Data, not interface text: officers add events, so it is a column, not a
-- catalogue entry.
ALTER TABLE events ADD COLUMN title_ar VARCHAR;
