#!/usr/bin/env bash
# One LOGIN role and one schema per service in the platform database, each role
# owning its schema, with search_path set to it and no rights on `public`.
#
# The official postgres image runs this once, on the first start of an empty data
# directory (mounted at /docker-entrypoint-initdb.d). It also works by hand against
# any PostgreSQL, as a superuser, with psql 15 or newer (it uses \getenv), once the
# database exists:
#   PGHOST=db.internal PGUSER=postgres POSTGRES_DB=sme \
#   ACCOUNTS_DB_PASSWORD=… ENTERPRISE_DB_PASSWORD=… … bash 01-roles.sh
# Re-running it sets the passwords again and changes nothing else.
#
# Passwords come from <SERVICE>_DB_PASSWORD (ACCOUNTS_DB_PASSWORD, …); they reach
# psql through its environment (\getenv), never its command line.
set -euo pipefail

# The services of services/services.list with a database (`make deploy-files`): this
# directory is all the postgres container sees.
# >>> generated: services (from services/services.list)
services=(accounts enterprise market billfin payments certs notify)
# <<< generated: services
db=${POSTGRES_DB:-sme}
admin=${POSTGRES_USER:-postgres}

missing=()
for svc in "${services[@]}"; do
	var="${svc^^}_DB_PASSWORD"
	[[ -n "${!var:-}" ]] || missing+=("$var")
done
if ((${#missing[@]})); then
	echo "01-roles.sh: not set: ${missing[*]}" >&2
	exit 1
fi

sql() {
	cat <<'SQL'
SET client_min_messages = warning;
-- Only the service roles (and superusers) may connect; nobody uses `public`.
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
SQL
	for svc in "${services[@]}"; do
		# :'role' / :"role" are psql variables, quoted by psql as literal / identifier.
		cat <<SQL
\\set role ${svc}
\\getenv pw ${svc^^}_DB_PASSWORD
SQL
		cat <<'SQL'
SELECT format('CREATE ROLE %I', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
  NOBYPASSRLS PASSWORD :'pw';
ALTER ROLE :"role" SET search_path = :"role";
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"role";
CREATE SCHEMA IF NOT EXISTS :"role" AUTHORIZATION :"role";
ALTER SCHEMA :"role" OWNER TO :"role";
SQL
	done
}

sql | psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet -v db="$db" \
	--username "$admin" --dbname "$db"
echo "01-roles.sh: roles and schemas ready for ${services[*]} in database $db"
