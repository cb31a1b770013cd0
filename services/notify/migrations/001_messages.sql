-- In-site messages (我的消息), one per (event, recipient): the UNIQUE constraint
-- makes an event delivered twice (replay, restart) give one message.
CREATE TABLE messages (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id      text NOT NULL,
    event_type    text NOT NULL,
    -- exactly one recipient: a person, or an enterprise identity (all its members)
    person_id     text,
    enterprise_id text,
    recipient     text GENERATED ALWAYS AS
                      (COALESCE('person:' || person_id, 'enterprise:' || enterprise_id)) STORED,
    title         text NOT NULL,
    body          text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((person_id IS NULL) <> (enterprise_id IS NULL)),
    UNIQUE (event_id, recipient)
);
CREATE INDEX messages_person ON messages (person_id, created_at DESC) WHERE person_id IS NOT NULL;
CREATE INDEX messages_enterprise ON messages (enterprise_id, created_at DESC)
    WHERE enterprise_id IS NOT NULL;

-- Who read what, per reader: a message to an enterprise is read by each member
-- on their own, so one member reading it does not hide it from the others.
CREATE TABLE message_reads (
    message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    person_id  text NOT NULL,
    read_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, person_id)
);
