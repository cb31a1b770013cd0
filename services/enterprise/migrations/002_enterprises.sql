-- Certified enterprises, their members, and what enterprise knows of persons.
-- Shared by certification.c (creates enterprises and the first admin on approval),
-- members.c (join requests, roles) and persons.c (the verified-person projection).

-- One row per certified USCC: created when a certification is approved.
CREATE TABLE enterprises (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    uscc             text NOT NULL UNIQUE,
    name             text NOT NULL,
    legal_rep_name   text NOT NULL,
    region_code      text,
    address          text,
    industry         text,
    registered_capital_fen bigint,
    certified_at     timestamptz NOT NULL DEFAULT now(),
    certification_id uuid,          -- the approved application
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- Membership of a person in an enterprise (加入企业). One row per (enterprise,
-- person); its state moves: requested -> active | rejected | withdrawn;
-- active -> removed | left; a rejected/withdrawn/removed row may be requested again.
CREATE TABLE memberships (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    enterprise_id    uuid NOT NULL REFERENCES enterprises(id),
    person_id        uuid NOT NULL,
    role             text NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
    state            text NOT NULL CHECK (state IN ('requested', 'active', 'rejected',
                                                     'withdrawn', 'removed', 'left')),
    reason           text,          -- the applicant's reason to join
    decision_reason  text,          -- the admin's reason to reject or remove
    decided_by       uuid,
    decided_at       timestamptz,
    requested_at     timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (enterprise_id, person_id)
);
CREATE INDEX memberships_person ON memberships (person_id) WHERE state IN ('requested', 'active');
-- Exactly one admin per enterprise.
CREATE UNIQUE INDEX memberships_one_admin ON memberships (enterprise_id)
    WHERE role = 'admin' AND state = 'active';

-- Persons as accounts' events describe them (accounts.person.verified): who may
-- certify or join. Filled by the subscriber, never by requests.
CREATE TABLE persons (
    person_id        uuid PRIMARY KEY,
    name_masked      text,
    verified_at      timestamptz
);
