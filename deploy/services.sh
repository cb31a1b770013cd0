#!/usr/bin/env bash
# Everything that follows from services/services.list, the one list of the platform's
# services (its header documents the columns):
#   bash deploy/services.sh table     "name bus_port db" per service (the list, checked)
#   bash deploy/services.sh names     one name per line, in list order
#   bash deploy/services.sh c         build/gen/service_list.c: the bus's port table (common/bus.h)
#   bash deploy/services.sh gateway   build/gen/gw_route_tables.c: routes_<name>.c of listed services
#   bash deploy/services.sh write     rewrites the committed deployment files (`make deploy-files`)
#   bash deploy/services.sh check     fails, naming the file, when one of them, a service folder or a
#                                     deployment file disagrees with the list, or when the call graph
#                                     (column calls) has a cycle, names an unknown service or misses a
#                                     bus client a service's code opens (`make test`)
# Committed files carry generated regions between "# >>> generated: NAME" and
# "# <<< generated: NAME"; the rest of each file is written by hand.
# deploy/k8s/services/<name>.yaml are whole files from deploy/k8s/service.yaml.in.
# SERVICES_ROOT (default: this repository) is the tree to read and write; the
# deploy check points it at a scratch copy to prove that a disagreement fails.
set -euo pipefail

ROOT=${SERVICES_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
LIST=services/services.list
# The daemons every deployment has besides the listed services.
readonly FIXED_DAEMONS=(bus gateway)
# Development tools with a daemon folder that are no platform service: never in compose or
# k8s, started only by deploy/local/stack.sh in development (paysim: the payment providers'
# simulator, services/paysim/README.md).
readonly DEV_TOOLS=(paysim)
# Containers of docker-compose.yml that are not daemons of this repository.
readonly COMPOSE_EXTRA=(postgres redis)
readonly BUS_TCP_BASE=7000 # the bus's tcp base in docker-compose.yml and deploy/k8s

die() {
	printf 'services.sh: %s\n' "$*" >&2
	exit 1
}

# ---- the list -------------------------------------------------------------------

NAMES=()
declare -A PORT=() DB=() CALLS=() BGCALLS=()

# Reads and checks the list into NAMES, PORT, DB, CALLS (space-separated; empty for "-").
load() {
	local file=$ROOT/$LIST name port db calls extra n=0 d
	declare -A port_owner=()
	[[ -f $file ]] || die "$LIST is missing"
	while read -r name port db calls extra || [[ -n ${name:-} ]]; do
		n=$((n + 1))
		[[ -z ${name:-} || $name == \#* ]] && continue
		[[ -z ${extra:-} ]] || die "$LIST:$n: more than four columns"
		[[ $name =~ ^[a-z][a-z0-9]*$ ]] || die "$LIST:$n: name '$name' is not [a-z][a-z0-9]*"
		for d in "${FIXED_DAEMONS[@]}" "${COMPOSE_EXTRA[@]}"; do
			[[ $name != "$d" ]] || die "$LIST:$n: '$name' is not a service name"
		done
		[[ -z ${PORT[$name]:-} ]] || die "$LIST:$n: '$name' listed twice"
		[[ ${port:-} =~ ^[0-9]+$ ]] && ((port >= 2 && port <= 98 && port % 2 == 0)) ||
			die "$LIST:$n: bus_port '${port:-}' of $name is not an even number in 2..98"
		[[ -z ${port_owner[$port]:-} ]] ||
			die "$LIST:$n: bus_port $port of $name is already ${port_owner[$port]}'s"
		[[ ${db:-} == yes || ${db:-} == no ]] || die "$LIST:$n: db of $name is '${db:-}', not yes or no"
		[[ ${calls:-} == - || ${calls:-} =~ ^~?[a-z][a-z0-9]*(,~?[a-z][a-z0-9]*)*$ ]] ||
			die "$LIST:$n: calls of $name is '${calls:-}', not '-' or names separated by commas"
		NAMES+=("$name")
		PORT[$name]=$port
		DB[$name]=$db
		CALLS[$name]=
		BGCALLS[$name]=
		if [[ $calls != - ]]; then
			for d in ${calls//,/ }; do
				if [[ $d == ~* ]]; then
					BGCALLS[$name]+=" ${d#\~}"
				else
					CALLS[$name]+=" $d"
				fi
			done
		fi
		port_owner[$port]=$name
	done <"$file"
	((${#NAMES[@]})) || die "$LIST lists no service"
}

db_names() {
	local s
	for s in "${NAMES[@]}"; do
		[[ ${DB[$s]} == no ]] || printf '%s\n' "$s"
	done
}

# ---- generated C ------------------------------------------------------------------

gen_c() {
	local s
	printf '/* Generated from %s by deploy/services.sh; do not edit. */\n' "$LIST"
	printf '#include "bus.h"\n\n#include <stddef.h>\n\n'
	for s in "${NAMES[@]}"; do
		printf 'static const char *const calls_%s[] = {' "$s"
		for t in ${CALLS[$s]} ${BGCALLS[$s]}; do
			printf '"%s", ' "$t"
		done
		printf 'NULL};\n'
	done
	printf '\nconst bus_service bus_services[] = {\n'
	for s in "${NAMES[@]}"; do
		printf '        {"%s", %s, calls_%s},\n' "$s" "${PORT[$s]}" "$s"
	done
	printf '};\nconst size_t bus_nservices = sizeof bus_services / sizeof bus_services[0];\n'
}

# Services with a routes file, in list order.
routed_names() {
	local s
	for s in "${NAMES[@]}"; do
		[[ ! -f $ROOT/services/gateway/routes_$s.c ]] || printf '%s\n' "$s"
	done
}

gen_gateway() {
	local s routed
	mapfile -t routed < <(routed_names)
	printf '/* Generated from %s and services/gateway/routes_<name>.c by deploy/services.sh;\n' "$LIST"
	printf ' * do not edit. */\n#include "routes.h"\n\n'
	for s in "${routed[@]}"; do
		printf 'extern const gw_route_table gw_routes_%s;\n' "$s"
	done
	printf '\nconst gw_route_table *const gw_tables[] = {\n'
	for s in "${routed[@]}"; do
		printf '        &gw_routes_%s,\n' "$s"
	done
	[[ ${#routed[@]} -gt 0 ]] || printf '        NULL,\n'
	printf '};\nconst size_t gw_ntables = %d;\n' "${#routed[@]}"
}

# ---- generated regions of committed files -----------------------------------------

# ---- development bus keys (docker-compose.yml) -------------------------------------
# DEVELOPMENT ONLY, public like deploy/docker/dev.env: a principal's master is the SHA-256
# of a fixed phrase naming it (key id "dev"), and what service V verifies is derived from
# the masters as deploy/local/stack.sh derives it, K(S,V) = HMAC-SHA256(M_S, "sme-bus-v1 V")
# (common/README.md, "Bus authentication").
dev_bus_key() {
	local hex
	hex=$(printf 'DEVELOPMENT ONLY sme-platform bus master of %s' "$1" | openssl dgst -sha256 -r) ||
		die "openssl is needed to derive the development bus keys"
	printf 'dev:%s\n' "${hex%% *}"
}

dev_bus_peer_keys() {
	local v=$1 s key mac out=
	for s in gateway "${NAMES[@]}"; do
		key=$(dev_bus_key "$s")
		mac=$(printf 'sme-bus-v1 %s' "$v" |
			openssl dgst -sha256 -mac HMAC -macopt "hexkey:${key#*:}" -r) ||
			die "openssl is needed to derive the development bus keys"
		out+="${out:+,}$s:${key%%:*}:${mac%% *}"
	done
	printf '%s\n' "$out"
}

# A template with @NAME@ replaced (and @BUS_KEY@, @BUS_PEER_KEYS@: the service's development
# bus keys); lines starting "?db " kept only for a service with a database.
fill() {
	local template=$1 s=$2 keys=()
	if grep -q '@BUS_KEY@\|@BUS_PEER_KEYS@' "$ROOT/$template"; then
		keys=(-e "s/@BUS_KEY@/$(dev_bus_key "$s")/g" -e "s/@BUS_PEER_KEYS@/$(dev_bus_peer_keys "$s")/g")
	fi
	if [[ ${DB[$s]} == yes ]]; then
		sed -e 's/^?db //' -e "s/@NAME@/$s/g" "${keys[@]}" "$ROOT/$template"
	else
		sed -e '/^?db /d' -e "s/@NAME@/$s/g" "${keys[@]}" "$ROOT/$template"
	fi
}

region_compose_services() {
	local s first=1
	for s in "${NAMES[@]}"; do
		((first)) || echo
		first=0
		fill deploy/docker/compose-service.yml.in "$s"
	done
}

region_compose_gateway_depends() {
	local s
	for s in "${NAMES[@]}"; do
		printf '      %s: { condition: service_healthy }\n' "$s"
	done
}

region_compose_gateway_bus_key() {
	printf '      BUS_KEY: %s\n' "$(dev_bus_key gateway)"
}

region_k8s_resources() {
	local s
	for s in "${NAMES[@]}"; do
		printf '  - services/%s.yaml\n' "$s"
	done
}

# bus.yaml lists the bus's ports twice: on the Service (KEY port) and on the container.
region_k8s_bus_ports() {
	local key=$1 indent=$2 s
	for s in "${NAMES[@]}"; do
		printf '%s- { name: %s-req, %s: %d }\n' "$indent" "$s" "$key" $((BUS_TCP_BASE + PORT[$s]))
		printf '%s- { name: %s-rep, %s: %d }\n' "$indent" "$s" "$key" $((BUS_TCP_BASE + PORT[$s] + 1))
	done
}

region_k8s_db_urls() {
	local s
	while read -r s; do
		printf '  %s: host=postgres.REPLACE_ME port=5432 dbname=sme user=%s password=REPLACE_ME sslmode=require\n' \
			"$s" "$s"
	done < <(db_names)
}

# Per principal: its master key (the gateway's too) and, per service, the pairwise keys
# it verifies (common/README.md, "Bus authentication").
region_k8s_bus_keys() {
	local s
	printf '  gateway-key: REPLACE_ME_KID:64_HEX_DIGITS\n'
	for s in "${NAMES[@]}"; do
		printf '  %s-key: REPLACE_ME_KID:64_HEX_DIGITS\n' "$s"
		printf '  %s-peers: REPLACE_ME_SIGNER:KID:64_HEX_DIGITS,...\n' "$s"
	done
}

region_dev_db_passwords() {
	local s
	while read -r s; do
		printf '%s_DB_PASSWORD=dev-only-%s\n' "${s^^}" "$s"
	done < <(db_names)
}

region_roles() {
	local roles
	roles=$(db_names | tr '\n' ' ')
	printf 'services=(%s)\n' "${roles% }"
}

# Every generated region: "file<TAB>region<TAB>command".
REGIONS=(
	$'docker-compose.yml\tservices\tregion_compose_services'
	$'docker-compose.yml\tgateway-depends\tregion_compose_gateway_depends'
	$'docker-compose.yml\tgateway-bus-key\tregion_compose_gateway_bus_key'
	$'deploy/k8s/kustomization.yaml\tservices\tregion_k8s_resources'
	$'deploy/k8s/bus.yaml\tservice-ports\tregion_k8s_bus_ports port "    "'
	$'deploy/k8s/bus.yaml\tcontainer-ports\tregion_k8s_bus_ports containerPort "            "'
	$'deploy/k8s/secrets.yaml\tdb-urls\tregion_k8s_db_urls'
	$'deploy/k8s/secrets.yaml\tbus-keys\tregion_k8s_bus_keys'
	$'deploy/docker/dev-postgres.env\tdb-passwords\tregion_dev_db_passwords'
	$'deploy/docker/postgres-init/01-roles.sh\tservices\tregion_roles'
)

# replace_region FILE REGION CONTENT_FILE: FILE with the region's body replaced, on stdout.
replace_region() {
	local file=$1 region=$2 content=$3
	awk -v begin="^[ \t]*# >>> generated: $region( |\$)" -v end="^[ \t]*# <<< generated: $region( |\$)" \
		-v content="$content" '
		$0 ~ begin { print; while ((getline line < content) > 0) print line; skip = 1; found++; next }
		skip && $0 ~ end { skip = 0; closed++ }
		!skip { print }
		END { if (found != 1 || closed != 1) exit 3 }' "$file"
}

# Writes what the committed files should be under DEST (a tree laid out like the repository).
render() {
	local dest=$1 entry file region cmd content s
	content=$(mktemp)
	for entry in "${REGIONS[@]}"; do
		IFS=$'\t' read -r file region cmd <<<"$entry"
		mkdir -p "$dest/$(dirname "$file")"
		[[ -f $dest/$file ]] || cp "$ROOT/$file" "$dest/$file"
		eval "$cmd" >"$content"
		replace_region "$dest/$file" "$region" "$content" >"$dest/$file.new" ||
			die "$file: no single region '$region' (# >>> generated: $region … # <<< generated: $region)"
		mv "$dest/$file.new" "$dest/$file"
	done
	rm -f "$content"
	mkdir -p "$dest/deploy/k8s/services"
	for s in "${NAMES[@]}"; do
		fill deploy/k8s/service.yaml.in "$s" >"$dest/deploy/k8s/services/$s.yaml"
	done
	# kustomize reads only files under deploy/k8s: the gateway sidecar's mtail program
	# is a copy of the one the local stack runs.
	mkdir -p "$dest/deploy/k8s/monitoring"
	cp "$ROOT/deploy/monitoring/gateway.mtail" "$dest/deploy/k8s/monitoring/gateway.mtail"
}

cmd_write() {
	local f
	TMP=$(mktemp -d)
	trap 'rm -rf "$TMP"' EXIT
	local tmp=$TMP
	render "$tmp"
	(cd "$tmp" && find . -type f) | while read -r f; do
		cmp -s "$tmp/$f" "$ROOT/$f" || {
			cp "$tmp/$f" "$ROOT/$f"
			printf 'services.sh: wrote %s\n' "${f#./}"
		}
	done
	for f in "$ROOT"/deploy/k8s/services/*.yaml; do
		[[ -f $f && ! -f $tmp/deploy/k8s/services/${f##*/} ]] || continue
		rm -f "$f"
		printf 'services.sh: removed %s (not in %s)\n' "${f#"$ROOT"/}" "$LIST"
	done
}

# ---- check ------------------------------------------------------------------------

PROBLEMS=0
problem() {
	printf '%s\n' "$*"
	PROBLEMS=$((PROBLEMS + 1))
}

listed() {
	local s
	for s in "${NAMES[@]}" "${@:2}"; do
		[[ $s == "$1" ]] && return 0
	done
	return 1
}

check_folders() {
	local s dir
	for s in "${NAMES[@]}"; do
		[[ -f $ROOT/services/$s/main.c ]] || problem "$LIST names $s, but services/$s/main.c does not exist"
		[[ -f $ROOT/proto/$s.proto ]] || problem "$LIST names $s, but proto/$s.proto does not exist"
	done
	for dir in "$ROOT"/services/*/; do
		s=$(basename "$dir")
		[[ -f $dir/main.c ]] || continue
		listed "$s" "${FIXED_DAEMONS[@]}" "${DEV_TOOLS[@]}" || problem "services/$s/main.c exists, but $LIST does not list $s"
	done
	for dir in "$ROOT"/services/gateway/routes_*.c; do
		[[ -f $dir ]] || continue
		s=${dir##*/routes_}
		s=${s%.c}
		listed "$s" || problem "services/gateway/routes_$s.c routes to $s, which $LIST does not list"
	done
}

check_generated() {
	local tmp f
	tmp=$(mktemp -d)
	render "$tmp"
	while read -r f; do
		f=${f#./}
		if [[ ! -f $ROOT/$f ]]; then
			problem "$f is missing (run: make deploy-files)"
		elif ! cmp -s "$tmp/$f" "$ROOT/$f"; then
			problem "$f disagrees with $LIST (run: make deploy-files):"
			diff -u "$ROOT/$f" "$tmp/$f" | sed -n '3,12p' | sed 's/^/    /'
		fi
	done < <(cd "$tmp" && find . -type f | sort)
	for f in "$ROOT"/deploy/k8s/services/*; do
		[[ -e $f ]] || continue
		[[ -f $tmp/deploy/k8s/services/${f##*/} ]] ||
			problem "deploy/k8s/services/${f##*/} is no service of $LIST"
	done
	rm -rf "$tmp"
}

# Whatever is written by hand outside the regions must not name a service either.
check_named() {
	local s
	while read -r s; do
		listed "$s" "${FIXED_DAEMONS[@]}" "${COMPOSE_EXTRA[@]}" ||
			problem "docker-compose.yml runs '$s', which is neither in $LIST nor bus/gateway/postgres/redis"
	done < <(awk '/^services:/ { on = 1; next } /^[^ #]/ { on = 0 }
		on && /^  [A-Za-z0-9_.-]+:/ { sub(/^  /, ""); sub(/:.*/, ""); print }' "$ROOT/docker-compose.yml")
	while read -r s; do
		listed "$s" "${FIXED_DAEMONS[@]}" ||
			problem "deploy/k8s names app '$s', which is neither in $LIST nor bus/gateway"
	done < <(cat "$ROOT"/deploy/k8s/*.yaml "$ROOT"/deploy/k8s/services/*.yaml 2>/dev/null |
		sed -n 's/^ *app.kubernetes.io\/name: *\([A-Za-z0-9_.-]*\).*/\1/p' | sort -u)
	while read -r s; do
		listed "$s" || problem "deploy/k8s/kustomization.yaml includes services/$s.yaml, not in $LIST"
	done < <(sed -n 's/^ *- services\/\([A-Za-z0-9_.-]*\)\.yaml.*/\1/p' "$ROOT/deploy/k8s/kustomization.yaml")
}

# The synchronous call graph (column calls). A worker waiting on a service that waits
# back, directly or round a longer cycle, holds its pool while the other's fills: both
# exhaust. So the graph must be acyclic, and a service's code may open a bus client
# only to a service it declares. Event replay is no edge: the subscriber thread that
# asks a source for missed events is no worker; nor is a call marked ~ (made only from
# the service's background threads, svc_def.tick, never from a worker): no pool waits.
check_calls() {
	local s t f target
	declare -A state=()
	for s in "${NAMES[@]}"; do
		for t in ${CALLS[$s]} ${BGCALLS[$s]}; do
			listed "$t" || problem "$LIST: $s calls '$t', which $LIST does not list"
		done
	done
	# Depth first; a service met again while still on the path closes a cycle.
	visit() {
		local v=$1 w
		shift
		state[$v]=on-path
		for w in ${CALLS[$v]}; do
			listed "$w" || continue
			if [[ ${state[$w]:-} == on-path ]]; then
				local cycle=$w path=("$@" "$v") i
				for ((i = ${#path[@]} - 1; i >= 0; i--)); do
					cycle="${path[i]} -> $cycle"
					[[ ${path[i]} == "$w" ]] && break
				done
				problem "$LIST: the calls form a cycle: $cycle"
			elif [[ -z ${state[$w]:-} ]]; then
				visit "$w" "$@" "$v"
			fi
		done
		state[$v]=done
	}
	for s in "${NAMES[@]}"; do
		[[ -n ${state[$s]:-} ]] || visit "$s"
	done
	for s in "${NAMES[@]}"; do
		for f in "$ROOT"/services/"$s"/*.c; do
			[[ -f $f ]] || continue
			# One call may span lines: join the file, then take each call's last literal.
			while read -r target; do
				if [[ -z $target ]]; then
					problem "services/$s/${f##*/}: bus_client_open() without a literal service name (cannot check it against $LIST)"
				elif [[ " ${CALLS[$s]} ${BGCALLS[$s]} " != *" $target "* ]]; then
					problem "services/$s/${f##*/} opens a bus client to $target, but $LIST does not list $target among the calls of $s"
				fi
			done < <(tr '\n' ' ' <"$f" | grep -o 'bus_client_open([^)]*)' |
				sed -n 's/.*"\([^"]*\)"[^"]*$/\1/p; t; s/.*//p')
		done
	done
}

cmd_check() {
	check_folders
	check_generated
	check_named
	check_calls
	if ((PROBLEMS)); then
		printf 'services.sh: %d disagreement(s) with %s\n' "$PROBLEMS" "$LIST"
		exit 1
	fi
}

# ---- main -------------------------------------------------------------------------

load
case ${1:-} in
table) for s in "${NAMES[@]}"; do printf '%s %s %s\n' "$s" "${PORT[$s]}" "${DB[$s]}"; done ;;
names) printf '%s\n' "${NAMES[@]}" ;;
c) gen_c ;;
gateway) gen_gateway ;;
write) cmd_write ;;
check) cmd_check ;;
*) die "usage: bash deploy/services.sh table|names|c|gateway|write|check" ;;
esac
