-- Where the displaced shelter, as publishers report it (OCHA's cross-border report for February 2020:
-- "living under trees and in open spaces", "in individual tents", "in unfinished houses or buildings").
-- Each is a stock of people on a date, never added to the others or to a total unless the publisher
-- gives one; people in camps and sites keep their own type, idps_in_camps.
INSERT INTO figure_types VALUES
    ('idps_in_open',                 'stock', 'IDPs living in the open (under trees, in open spaces) at the end of the reference period'),
    ('idps_in_tents',                'stock', 'IDPs living in tents at the end of the reference period'),
    ('idps_in_unfinished_buildings', 'stock', 'IDPs living in unfinished houses or buildings at the end of the reference period');
