#!/bin/bash
# 20-pgtap.sh - pgTAP tests of every api function (tests/sql/NN-concern.sql,
# numbered and named as the schema's files by concern), run by
# pg_prove as the database owner. Each file runs in BEGIN ... ROLLBACK, so
# the files run side by side and leave the test database as they found it.
set -eu
cd "$(dirname "$0")/../.."
command -v pg_prove >/dev/null || { echo "pg_prove is missing (Debian: libtap-parser-sourcehandler-pgtap-perl)"; exit 1; }
# pg_prove's psql connects with the PG* variables tests/run.sh exported.
# The extension is made once here: files creating it side by side in their
# own transactions would wait for each other.
psql -qAtc "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS pgtap" >/dev/null
exec pg_prove --jobs 4 --failures --timer tests/sql/[0-9]*.sql
