-- Who took a load back out, and when: the history answers for rollbacks as it does for loads.
ALTER TABLE loads ADD COLUMN rolled_back_by VARCHAR;
ALTER TABLE loads ADD COLUMN rolled_back_at TIMESTAMP;
