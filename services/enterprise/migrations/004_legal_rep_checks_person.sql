-- The legal representative's checks a person started in the last 24 hours (legal_rep.c's
-- per-person budget).
CREATE INDEX legal_rep_checks_person ON legal_rep_checks (started_by, created_at DESC);
