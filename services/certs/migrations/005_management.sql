-- Certificate management (issue 17, certmgmt): the single-use challenges of binding and
-- certificate login, and the expiry notices sent once per certificate and threshold.

-- A challenge lives 5 minutes and is used once (DELETE ... RETURNING); only its SHA-256
-- is kept. bind: for the person who asked; login: for whoever signs it.
CREATE TABLE cert_challenges (
    challenge_sha256  text PRIMARY KEY,
    purpose           text NOT NULL CHECK (purpose IN ('bind', 'login')),
    person_id         text,
    expires_at        timestamptz NOT NULL
);
CREATE INDEX cert_challenges_expires ON cert_challenges (expires_at);

-- certs.certificate.expiring sent 30 and 7 days before notAfter, once each.
CREATE TABLE cert_expiry_notices (
    serial          text NOT NULL REFERENCES certificates (serial),
    threshold_days  int NOT NULL CHECK (threshold_days IN (30, 7)),
    sent_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (serial, threshold_days)
);
