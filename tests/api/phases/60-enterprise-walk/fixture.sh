#!/usr/bin/env bash
# Test fixtures written straight into the enterprise schema as the database superuser
# (and, for certify, into accounts' and notify's membership projections as the approval
# event would), for cases that need a certified enterprise or a verified person without
# walking certification (KYB) or real-name verification first (tests/api/cases/members.json,
# receiving-accounts.json). Phase 60-enterprise-walk itself walks the real flow and
# uses none of this. Reads the stack's VAR_DIR, PG_PORT and $VAR_DIR/secrets.env.
#   bash fixture.sh certify USCC NAME ADMIN_PERSON_ID  a certified enterprise and its admin
#   bash fixture.sh verify PERSON_ID NAME_MASKED        the person as verified (projection)
#   bash fixture.sh enterprise-message ENTERPRISE_ID TITLE  a message to all its members
#   bash fixture.sh member USCC PERSON_ID             the person an active plain member of it
#   bash fixture.sh uploads CERTIFICATION_ID N        the application as having taken N uploads
#   bash fixture.sh applicant SUBJECT ACTION           prints "person_id name_masked method" of
#                                                      the applicant an audit entry records
# Idempotent: a second run changes nothing.
set -euo pipefail
# shellcheck source=tests/api/fixtures/superuser.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../fixtures/superuser.sh"

case ${1:-} in
certify)
	(($# == 4)) || { echo "usage: fixture.sh certify USCC NAME ADMIN_PERSON_ID" >&2; exit 2; }
	q -v uscc="$2" -v name="$3" -v admin="$4" <<'SQL'
BEGIN;
INSERT INTO enterprise.enterprises (uscc, name, legal_rep_name)
VALUES (:'uscc', :'name', '测试法人') ON CONFLICT (uscc) DO NOTHING;
INSERT INTO enterprise.memberships (enterprise_id, person_id, role, state, reason, decided_at)
SELECT id, :'admin'::uuid, 'admin', 'active', 'fixture: first certifier', now()
  FROM enterprise.enterprises WHERE uscc = :'uscc'
ON CONFLICT (enterprise_id, person_id) DO NOTHING;
INSERT INTO accounts.enterprise_memberships (person_id, enterprise_id, enterprise_name, role)
SELECT :'admin'::uuid, id, name, 'admin' FROM enterprise.enterprises WHERE uscc = :'uscc'
ON CONFLICT (person_id, enterprise_id) DO NOTHING;
INSERT INTO notify.enterprise_memberships (person_id, enterprise_id, enterprise_name, role)
SELECT :'admin'::uuid, id, name, 'admin' FROM enterprise.enterprises WHERE uscc = :'uscc'
ON CONFLICT (person_id, enterprise_id) DO NOTHING;
INSERT INTO certs.enterprise_memberships (person_id, enterprise_id, enterprise_name, role)
SELECT :'admin'::uuid, id, name, 'admin' FROM enterprise.enterprises WHERE uscc = :'uscc'
ON CONFLICT (person_id, enterprise_id) DO NOTHING;
-- certorders: the enterprise pays its certificate orders (payments' payer check reads its own
-- projection)
INSERT INTO payments.enterprise_memberships (person_id, enterprise_id, enterprise_name, role)
SELECT :'admin'::uuid, id, name, 'admin' FROM enterprise.enterprises WHERE uscc = :'uscc'
ON CONFLICT (person_id, enterprise_id) DO NOTHING;
COMMIT;
SQL
	;;
verify)
	(($# == 3)) || { echo "usage: fixture.sh verify PERSON_ID NAME_MASKED" >&2; exit 2; }
	q -v pid="$2" -v name="$3" <<'SQL'
INSERT INTO enterprise.persons (person_id, name_masked, verification_method, verified_at)
VALUES (:'pid'::uuid, :'name', 'face', now())
ON CONFLICT (person_id) DO UPDATE SET
  name_masked = EXCLUDED.name_masked,
  verification_method = COALESCE(enterprise.persons.verification_method, 'face'),
  verified_at = COALESCE(enterprise.persons.verified_at, now());
SQL
	;;
enterprise-message)
	# No event type addresses a whole enterprise yet (each names a person); this is
	# the row such an event would leave in notify's table.
	(($# == 3)) || { echo "usage: fixture.sh enterprise-message ENTERPRISE_ID TITLE" >&2; exit 2; }
	q -v ent="$2" -v title="$3" <<'SQL'
INSERT INTO notify.messages (event_id, event_type, enterprise_id, title, body)
VALUES ('fixture:' || :'ent' || ':' || :'title', 'fixture.enterprise.notice', :'ent', :'title',
        '测试：发给企业全体成员的消息')
ON CONFLICT (event_id, recipient) DO NOTHING;
SQL
	;;
member)
	(($# == 3)) || { echo "usage: fixture.sh member USCC PERSON_ID" >&2; exit 2; }
	q -v uscc="$2" -v pid="$3" <<'SQL'
INSERT INTO enterprise.memberships (enterprise_id, person_id, role, state, reason, decided_at)
SELECT id, :'pid'::uuid, 'member', 'active', 'fixture: member', now()
  FROM enterprise.enterprises WHERE uscc = :'uscc'
ON CONFLICT (enterprise_id, person_id) DO NOTHING;
SQL
	;;
uploads)
	(($# == 3)) || { echo "usage: fixture.sh uploads CERTIFICATION_ID N" >&2; exit 2; }
	q -v id="$2" -v n="$3" <<'SQL'
UPDATE enterprise.certifications SET file_uploads = :'n'::int WHERE id = :'id'::uuid;
SQL
	;;
applicant)
	(($# == 3)) || { echo "usage: fixture.sh applicant SUBJECT ACTION" >&2; exit 2; }
	q -v subject="$2" -v action="$3" <<'SQL'
SELECT concat_ws(' ', detail->'applicant'->>'person_id', detail->'applicant'->>'name_masked',
                 detail->'applicant'->>'verification_method')
  FROM enterprise.audit_log WHERE subject = :'subject' AND action = :'action';
SQL
	;;
*)
	echo "usage: fixture.sh certify USCC NAME ADMIN_PERSON_ID | verify PERSON_ID NAME_MASKED | enterprise-message ENTERPRISE_ID TITLE | member USCC PERSON_ID | uploads CERTIFICATION_ID N | applicant SUBJECT ACTION" >&2
	exit 2
	;;
esac
