-- notify's projection of market's staff (market.staff.added / .removed), so that a new
-- bill inquiry reaches the bill quoters of its funder, or of every bill funder, without
-- notify calling market (market calls accounts, which calls notify: a cycle). Active
-- staff only; institution_kind as the added event gave it (NULL from events older than
-- the field).
CREATE TABLE market_staff (
    staff_id         uuid PRIMARY KEY,
    institution_id   uuid NOT NULL,
    institution_kind text,
    person_id        uuid NOT NULL,
    role             text NOT NULL
);
CREATE INDEX market_staff_institution ON market_staff (institution_id, role);
CREATE INDEX market_staff_kind ON market_staff (institution_kind, role);
-- market's events again from the first, to fill the table; their messages are kept once
-- by UNIQUE (event_id, recipient).
DELETE FROM inbox_cursor WHERE source = 'market';
