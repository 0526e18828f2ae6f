#!/bin/bash
# 12-schema-baseline.sh - sql/schema/ and sql/migrations/ agree: a database
# built from sql/schema/ alone, one migrated from the released baseline
# through every migration and one migrated from empty by `marquee db
# migrate` have the same pg_dump --schema-only; a second migrate changes
# nothing; a database of the old migration chain is
# refused with a line saying how to rebuild; each function and table of
# sql/schema/ is written once.
set -u
cd "$(dirname "$0")/../.."
sqldir=${MARQUEE_SQLDIR:-$PWD/sql}
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
dbs=(baseline_only_$$ baseline_upgraded_$$ baseline_new_$$ baseline_oldchain_$$)
cleanup() {
	for d in "${dbs[@]}"; do psql -XqAt -d postgres -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1; done
	rm -rf "$work"
}
trap cleanup EXIT
dsn() { echo "host=$PGHOST port=$PGPORT user=${PGUSER:-postgres} dbname=$1"; }
# The schema of a database as pg_dump writes it, without what differs on
# every run (the \restrict key) and without migrate's own bookkeeping.
dump() { pg_dump --schema-only -N marquee_meta -d "$1" | grep -v '^\\\(un\)\?restrict '; }
for d in "${dbs[@]}"; do psql -XqAt -d postgres -c "CREATE DATABASE $d" >/dev/null || fail "create $d"; done

# --- each function and table is defined in one place
dups=$(cat "$sqldir"/schema/*.sql |
	grep -oiE '^CREATE( OR REPLACE)? (FUNCTION|TABLE|UNLOGGED TABLE|TYPE|DOMAIN) +[a-z0-9_.]+' |
	awk '{ print tolower($NF) }' | sort | uniq -d)
[ -z "$dups" ] || fail "defined more than once in sql/schema: $dups"

# --- sql/schema alone, in file order, in one transaction
cat "$sqldir"/schema/[0-9]*.sql | psql -XqAt -v ON_ERROR_STOP=1 -1 -d "${dbs[0]}" -f - >"$work/psql.log" 2>&1 ||
	{ cat "$work/psql.log"; fail "sql/schema does not apply to an empty database"; }
dump "${dbs[0]}" >"$work/schema-only.sql"

# --- the baseline as released, then every migration, as an installation
# that is upgraded gets them. The released baseline is sql/schema at the
# oldest release tag (v*); before the first release there is none and
# sql/migrations must be empty.
nmig=$(find "$sqldir/migrations" -maxdepth 1 -name '[0-9]*.sql' 2>/dev/null | wc -l)
release=$(git tag --list 'v*' --sort=v:refname 2>/dev/null | head -1)
mkdir -p "$work/sql/migrations"
if [ -n "$release" ]; then
	git archive "$release" sql/schema | tar -x -C "$work" || fail "cannot read sql/schema of $release"
else
	[ "$nmig" = 0 ] || fail "sql/migrations holds $nmig files before the first release: make the change in sql/schema alone"
	cp -r "$sqldir/schema" "$work/sql/"
fi
out=$(MARQUEE_SQLDIR=$work/sql MARQUEE_DSN=$(dsn "${dbs[1]}") ./marquee db migrate 2>&1) ||
	fail "db migrate of the released baseline: $out"
grep -q "^applied baseline " <<<"$out" || fail "db migrate did not apply the baseline: $out"
cp "$sqldir"/migrations/[0-9]*.sql "$work/sql/migrations/" 2>/dev/null
out=$(MARQUEE_SQLDIR=$work/sql MARQUEE_DSN=$(dsn "${dbs[1]}") ./marquee db migrate 2>&1) ||
	fail "db migrate of the migrations: $out"
[ "$(tail -1 <<<"$out")" = "database is up to date ($nmig migration$([ "$nmig" = 1 ] || echo s) applied now, $nmig in all)" ] ||
	fail "db migrate did not apply the $nmig migrations: $out"
dump "${dbs[1]}" >"$work/migrated.sql"
if ! diff -u "$work/schema-only.sql" "$work/migrated.sql" >"$work/diff"; then
	head -60 "$work/diff"
	fail "the baseline plus sql/migrations differs from sql/schema (a migration without its change to sql/schema, or the other way round)"
fi
[ "$(wc -l <"$work/schema-only.sql")" -gt 1000 ] || fail "the dump is too short to mean anything"

# --- a new installation: sql/schema, every migration recorded as held in it
out=$(MARQUEE_DSN=$(dsn "${dbs[2]}") ./marquee db migrate 2>&1) || fail "db migrate of an empty database: $out"
[ "$(tail -1 <<<"$out")" = "database is up to date (baseline and 0 migrations applied now, $nmig in all)" ] ||
	fail "db migrate of an empty database: $out"
dump "${dbs[2]}" | cmp -s - "$work/schema-only.sql" || fail "db migrate of an empty database is not sql/schema"

# --- a second migrate is a no-op
for d in "${dbs[1]}" "${dbs[2]}"; do
	out=$(MARQUEE_DSN=$(dsn "$d") ./marquee db migrate 2>&1) || fail "second db migrate: $out"
	[ "$out" = "database is up to date (0 migrations applied now, $nmig in all)" ] ||
		fail "a second db migrate did something: $out"
	dump "$d" | cmp -s - "$work/schema-only.sql" || fail "a second db migrate changed the schema"
	[ "$(psql -XqAt -d "$d" -c "SELECT count(*) FROM marquee_meta.migration")" = $((nmig + 1)) ] ||
		fail "marquee_meta.migration does not hold the baseline and $nmig migrations"
done

# --- before the first release, a database made from an older sql/schema
# (the schema changed in place since) is refused, saying how to rebuild it
if [ -z "$release" ]; then
	cp -r "$sqldir/schema" "$work/changed"
	echo "-- changed since" >>"$(ls "$work"/changed/[0-9]*.sql | tail -1)"
	mkdir -p "$work/changed-sql" && mv "$work/changed" "$work/changed-sql/schema"
	if out=$(MARQUEE_SQLDIR=$work/changed-sql MARQUEE_DSN=$(dsn "${dbs[2]}") ./marquee db migrate 2>&1); then
		fail "db migrate accepted a database made from an older sql/schema: $out"
	fi
	grep -q "made from an older .*rebuild it: drop it, create it empty and run marquee db migrate" <<<"$out" ||
		fail "the refusal of an older baseline does not say how to rebuild: $out"
	stale="; an older unreleased baseline refused"
fi

# --- a database of the old chain (its table lists 001_core.sql ...) is refused
psql -XqAt -v ON_ERROR_STOP=1 -d "${dbs[3]}" -c "CREATE SCHEMA marquee_meta" \
	-c "CREATE TABLE marquee_meta.migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())" \
	-c "INSERT INTO marquee_meta.migration (name) VALUES ('001_core.sql'), ('002_api.sql')" >/dev/null ||
	fail "cannot make an old-chain database"
if out=$(MARQUEE_DSN=$(dsn "${dbs[3]}") ./marquee db migrate 2>&1); then
	fail "db migrate accepted an old-chain database: $out"
fi
[ "$(wc -l <<<"$out")" = 1 ] || fail "the refusal is not one line: $out"
grep -q "old migration chain.*drop it, create it empty and run marquee db migrate" <<<"$out" ||
	fail "the refusal does not say how to rebuild: $out"
[ "$(psql -XqAt -d "${dbs[3]}" -c "SELECT to_regnamespace('core') IS NULL")" = t ] ||
	fail "db migrate changed an old-chain database it refused"
echo "12-schema-baseline: sql/schema = ${release:-unreleased} baseline + $nmig migrations ($(wc -l <"$work/schema-only.sql") dump lines); rerun is a no-op; old chain refused${stale:-}"
