#!/bin/bash
# 15-cli.sh - the command line as docs/ARCHITECTURE's contract and Debian's
# tools have it: every command answers --help on stdout with status 0 and
# names its options (each also in the man page); an unknown option, a
# missing value or a missing argument is refused with status 2, one line
# saying why, then the usage; a failure of the work itself is status 1 with
# one line on stderr; the old spellings still parse.
set -u
cd "$(dirname "$0")/../.."
dir=${MARQUEE_TEST_VAR:-/tmp}/cli
rm -rf "$dir"; mkdir -p "$dir"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
man=$(sed 's/\\-/-/g' docs/marquee.1)

# The demo cashier's password, for commands that sign in (stdin=$pw run ...).
pw=$dir/pw
printf 'cashier1\n' >"$pw"

# run ARGS...: runs ./marquee (standard input from $stdin, else nothing),
# sets $rc, $out (stdout) and $err (stderr)
run() {
	./marquee "$@" >"$dir/out" 2>"$dir/err" <"${stdin:-/dev/null}"
	rc=$?
	out=$(cat "$dir/out")
	err=$(cat "$dir/err")
}

# help "ARGS" OPTION...: --help of ARGS is on stdout, status 0, names each
# OPTION, and the man page names each too
help() {
	local args=$1 o
	shift
	run $args --help
	[ "$rc" = 0 ] || fail "marquee $args --help: status $rc"
	[ -z "$err" ] || fail "marquee $args --help wrote to stderr: $err"
	echo "$out" | head -1 | grep -q "^usage: marquee " || fail "marquee $args --help: no usage line"
	for o in "$@"; do
		echo "$out" | grep -qe "$o" || fail "marquee $args --help does not name $o"
		echo "$man" | grep -qe "$o" || fail "docs/marquee.1 does not name $o (marquee $args)"
	done
	# -h is the same
	[ "$(./marquee $args -h 2>&1)" = "$out" ] || fail "marquee $args -h differs from --help"
}

# refused "WHY" ARGS...: status 2, the first stderr line is "marquee ...: WHY",
# the rest is the usage, nothing on stdout
refused() {
	local why=$1
	shift
	run "$@"
	[ "$rc" = 2 ] || fail "marquee $*: status $rc, not 2"
	[ -z "$out" ] || fail "marquee $*: wrote to stdout: $out"
	echo "$err" | head -1 | grep -qE "^marquee( [a-z]+)*: $why\$" ||
		fail "marquee $*: first line '$(echo "$err" | head -1)' is not 'marquee ...: $why'"
	echo "$err" | sed -n '2p' | grep -q '^usage: marquee ' || fail "marquee $*: no usage after the reason"
	[ "$(echo "$err" | sed 1d | grep -vc '^usage: marquee \|^       marquee ')" = 0 ] ||
		fail "marquee $*: more than the reason and the usage: $err"
}

# failed ARGS...: status 1 and one line on stderr
failed() {
	run "$@"
	[ "$rc" = 1 ] || fail "marquee $*: status $rc, not 1 ($err)"
	[ "$(echo "$err" | wc -l)" = 1 ] && [ -n "$err" ] || fail "marquee $*: stderr is not one line: $err"
	echo "$err" | grep -q '^marquee' || fail "marquee $*: stderr does not start with marquee: $err"
}

# ---- --help of each command names its options
help "" --config --dsn --version --help
help "db" migrate demo --help
help "keys" init --force --help
help "ticket" render print reprint --help
help "ticket render" --user --password-stdin --driver --receipt --output -o --help
help "ticket print" --user --password-stdin --queue --driver --receipt --help
help "ticket reprint" --user --password-stdin --last4 --no-print --queue --driver --help
help "scan" --offline --help
help "notify" --once --help
help "report" --from --to --by --basis --csv --user --password-stdin --help
# every command is in the global help
run --help
for c in "db migrate" "keys init" "ticket render" "ticket print" "ticket reprint" "scan" "notify" "report takings" "report occupancy"; do
	echo "$out" | grep -q "^  marquee $c" || fail "marquee --help does not list $c"
done
run --version
[ "$rc" = 0 ] && echo "$out" | grep -qE '^marquee [0-9]+\.[0-9]+' || fail "--version: $rc $out"
[ "$(./marquee -V)" = "$out" ] || fail "-V differs from --version"

# ---- a command line that cannot be understood: 2, one line, the usage
refused "unknown option --no-such-option" --no-such-option
refused "unknown command 'frobnicate'" frobnicate
refused "option --config needs a value" --config
refused "unknown option --no-such-option" db migrate --no-such-option
refused "say what to do: migrate, demo or device" db
refused "unknown action 'upgrade'" db upgrade
refused "unknown option --no-such-option" keys init --no-such-option
refused "say what to do: init" keys
refused "unknown option --no-such-option" ticket --no-such-option
refused "say what to do: render, print or reprint" ticket
refused "unknown action 'burn'" ticket burn ABCD-EFGHJ
refused "unknown option --no-such-option" ticket print ABCD-EFGHJ --no-such-option
refused "unknown option -x" ticket render ABCD-EFGHJ -x
refused "option --queue needs a value" ticket print ABCD-EFGHJ --queue
refused "option -o needs a value" ticket render ABCD-EFGHJ -o
refused "which booking\\? give its code" ticket print
refused "-o FILE is needed" ticket render ABCD-EFGHJ
refused "driver must be ps, escpos or fgl" ticket render ABCD-EFGHJ --driver pdf -o x
refused "--queue does not apply to ticket render" ticket render ABCD-EFGHJ --queue q -o x
refused "give --user LOGIN or --last4 NNNN" ticket reprint ABCD-EFGHJ
refused "give --user LOGIN: who is printing" ticket print ABCD-EFGHJ
refused "give --user LOGIN: who is printing" ticket render ABCD-EFGHJ -o x
refused "option --user needs a value" ticket reprint ABCD-EFGHJ --user
refused "unexpected argument 'WXYZ-EFGHJ'" ticket print ABCD-EFGHJ WXYZ-EFGHJ
refused "unknown option --no-such-option" scan --no-such-option
refused "unexpected argument 'now' \\(tickets come on standard input\\)" scan now
refused "unknown option --no-such-option" notify --no-such-option
refused "option --once takes no value" notify --once=2

# ---- the work fails: 1, one line on stderr
failed --config "$dir/no-such.conf" scan --offline
printf 'printer_driver = pdf\n' >"$dir/bad.conf"
failed --config "$dir/bad.conf" scan --offline
printf 'public_key = %s/no-such.pub\n' "$dir" >"$dir/nokey.conf"
failed --config "$dir/nokey.conf" scan --offline
failed --dsn "host=$dir port=1" db migrate
failed --dsn "host=$dir port=1" notify --once
failed --dsn "host=$dir port=1" ticket print ABCD-EFGHJ --user cashier
failed ticket print ABCD-EFGHJ --user cashier
echo "$err" | grep -q "no password for cashier was given" || fail "ticket print with no password: $err"
stdin=$pw failed ticket print ABCD-EFGHJ --user cashier --password-stdin --queue "no-such-queue-$$"
printf 'wrong-one\n' >"$dir/wrong"
stdin=$dir/wrong failed ticket print ZZZZ-ZZZZZ --user cashier
echo "$err" | grep -q "cannot sign in as cashier" || fail "ticket print with a wrong password: $err"
stdin=$pw failed ticket render NOT-A-CODE -o "$dir/x" --user cashier
stdin=$pw failed ticket print ZZZZ-ZZZZZ --user cashier --queue "no-such-queue-$$"

# ---- keys init makes a pair once; again only with --force
sed "s|^signing_key.*|signing_key = $dir/ticket.key|; s|^public_key.*|public_key = $dir/ticket.pub|" \
	"$MARQUEE_CONFIG" >"$dir/cli.conf"
export MARQUEE_CONFIG=$dir/cli.conf
run keys init
[ "$rc" = 0 ] && [ -s "$dir/ticket.pub" ] || fail "keys init: $rc $err"
failed keys init
run keys init --force
[ "$rc" = 0 ] || fail "keys init --force: $rc $err"
# ... making the key's folder when missing (as after a fresh `make`: var/),
# for its owner alone
sed "s|^signing_key.*|signing_key = $dir/new/keys/ticket.key|; s|^public_key.*|public_key = $dir/new/keys/ticket.pub|" \
	"$dir/cli.conf" >"$dir/newdir.conf"
run --config "$dir/newdir.conf" keys init
[ "$rc" = 0 ] && [ -s "$dir/new/keys/ticket.key" ] || fail "keys init into a missing folder: $rc $err"
[ "$(stat -c %a "$dir/new/keys")" = 700 ] || fail "the new key folder is mode $(stat -c %a "$dir/new/keys"), not 700"
[ "$(stat -c %a "$dir/new/keys/ticket.key")" = 600 ] || fail "the new secret key is not mode 600"
chmod 0500 "$dir/new"
sed "s|^signing_key.*|signing_key = $dir/new/other/ticket.key|; s|^public_key.*|public_key = $dir/new/other/ticket.pub|" \
	"$dir/cli.conf" >"$dir/newdir.conf"
if [ "$(id -u)" -ne 0 ]; then
	failed --config "$dir/newdir.conf" keys init
	echo "$err" | grep -q "cannot make the folder $dir/new/other" || fail "keys init where no folder can be made: $err"
fi
chmod 0700 "$dir/new"

# ---- the spellings tests, docs and units use still parse (and --config= and --dsn= forms)
run --config="$MARQUEE_CONFIG" --dsn="$MARQUEE_DOOR_DSN" scan --offline
[ "$rc" = 0 ] || fail "--config=FILE --dsn=CONNINFO scan --offline: $rc $err"
run --config "$MARQUEE_CONFIG" --dsn "$MARQUEE_DOOR_DSN" scan
[ "$rc" = 0 ] || fail "--config FILE --dsn CONNINFO scan: $rc $err"
echo "MQ1AAAA" | ./marquee scan --offline | grep -q '^forged' || fail "scan --offline reading stdin"
run --dsn="$MARQUEE_OWNER_DSN" db migrate
[ "$rc" = 0 ] || fail "db migrate: $rc $err"
# options after the code, and before it, as before
stdin=$pw run ticket render --driver=escpos ZZZZ-ZZZZZ -o "$dir/x" --user=cashier
[ "$rc" = 1 ] && echo "$err" | grep -q "not a booking code\|no tickets" || fail "ticket render --driver=escpos CODE -o: $rc $err"
stdin=$pw run ticket render ZZZZ-ZZZZZ --driver escpos --output "$dir/x" --receipt --user cashier
[ "$rc" = 1 ] && echo "$err" | grep -q "not a booking code\|no tickets" || fail "ticket render CODE --driver --output --receipt: $rc $err"
stdin=$pw run ticket render -o "$dir/x" --user cashier -- ZZZZ-ZZZZZ
[ "$rc" = 1 ] || fail "ticket render -o FILE -- CODE: $rc $err"

# ---- a terminal with the test card driver will not start on a database that is not a training one
psql "$MARQUEE_OWNER_DSN" -XAtqc "UPDATE core.setting SET value = 'false' WHERE name = 'training'"
run
psql "$MARQUEE_OWNER_DSN" -XAtqc "UPDATE core.setting SET value = 'true' WHERE name = 'training'"
[ "$rc" = 1 ] && echo "$err" | grep -q "card_driver = test is for training and demo databases only" ||
	fail "the screens started with the test card driver on a production database: $rc $err"

[ $fails = 0 ] || exit 1
echo "every command answers --help, refuses bad usage with status 2 and one line, fails with status 1 and one line"
echo ok
