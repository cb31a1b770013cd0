-- The person's active enterprise memberships, as enterprise's events leave them
-- (memberships.c): what ListIdentities and SwitchIdentity read, so that accounts never
-- asks enterprise synchronously (enterprise asks accounts: CheckIdentity). Only active
-- memberships have a row; enterprise stays the authority and checks the live membership
-- on every enterprise-scoped request.
CREATE TABLE enterprise_memberships (
    person_id       uuid NOT NULL,
    enterprise_id   uuid NOT NULL,
    enterprise_name text NOT NULL,
    role            text NOT NULL CHECK (role IN ('admin', 'member')),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, enterprise_id)
);
