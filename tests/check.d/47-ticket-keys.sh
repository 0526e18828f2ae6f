#!/bin/bash
# 47-ticket-keys.sh - a key pair per printing device, from the command line:
# two devices (each its own database login) make and register their keys
# with `marquee keys init`; a ticket signed with device A's key scans valid
# online and offline with an exported keyring; the owner lists and revokes
# A's key (a device cannot); then the door refuses A's tickets online at
# once (a scanner left running within ten seconds), offline with a fresh
# keyring (exported, or kept by an online scanner), while device B's still
# open it; a ticket signed with a key made
# but never registered is refused online and offline.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tickets.sh

var=$MARQUEE_TEST_VAR/keys
rm -rf "$var"; mkdir -p "$var"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
dsn_a=$(test_device_login marquee_keys47_a) && dsn_b=$(test_device_login marquee_keys47_b) ||
	{ echo "cannot make the device logins"; exit 1; }
scanner=
cleanup() {
	[ -n "$scanner" ] && kill "$scanner" 2>/dev/null
	owner_sql -c "DELETE FROM core.ticket_key_use WHERE key_id IN (SELECT key_id FROM core.ticket_key
	                  WHERE device IN ('marquee_keys47_a', 'marquee_keys47_b'))" \
	          -c "DELETE FROM core.ticket_key WHERE device IN ('marquee_keys47_a', 'marquee_keys47_b')" \
	          -c "DROP ROLE marquee_keys47_a" -c "DROP ROLE marquee_keys47_b" >/dev/null
}
trap cleanup EXIT

# A kiosk.conf per device: its own key files.
for d in a b c; do
	printf 'terminal = kiosk-%s\nsigning_key = %s/%s/ticket.key\npublic_key = %s/%s/ticket.pub\n' \
		$d "$var" $d "$var" $d >"$var/$d.conf"
done
# as DEVICE ARGS...: ./marquee as device a, b or c (c has no login of its
# own: its key is never registered)
as() {
	local d=$1; shift
	case $d in a) MARQUEE_DSN=$dsn_a ;; b) MARQUEE_DSN=$dsn_b ;; *) MARQUEE_DSN=$MARQUEE_TERM_DSN ;; esac
	MARQUEE_DSN=$MARQUEE_DSN MARQUEE_CONFIG=$var/$d.conf ./marquee "$@"
}
door() { MARQUEE_DSN=$MARQUEE_DOOR_DSN ./marquee "$@"; }
owner() { MARQUEE_DSN=$MARQUEE_OWNER_DSN ./marquee "$@"; }
# payloads DEVICE CODE: the QR texts of CODE's tickets signed by DEVICE
payloads() {
	as "$1" ticket render "$2" --driver fgl -o "$var/$1-$2.fgl" --user cashier --password-stdin <<<cashier1 ||
		return 1
	grep -o '{MQ1[A-Z2-7]*}' "$var/$1-$2.fgl" | tr -d '{}'
}

# ---- each device makes its key and registers it under its own login
out_a=$(as a keys init 2>&1) || fail "keys init a: $out_a"
out_b=$(as b keys init 2>&1) || fail "keys init b: $out_b"
ka=$(echo "$out_a" | sed -n 's/^ticket key \([0-9a-f]\{16\}\) registered.*/\1/p')
kb=$(echo "$out_b" | sed -n 's/^ticket key \([0-9a-f]\{16\}\) registered.*/\1/p')
[ -n "$ka" ] && [ -n "$kb" ] && [ "$ka" != "$kb" ] && ok "two devices, two keys: $ka $kb" ||
	fail "keys init: $out_a / $out_b"
[ "$(stat -c %a "$var/a/ticket.key")" = 600 ] && [ "$(stat -c %a "$var/a")" = 700 ] &&
	ok "the secret key is mode 600 in a folder of mode 700" || fail "key modes"
[ "$(owner_sql -c "SELECT device FROM core.ticket_key WHERE key_id = '$ka'")" = marquee_keys47_a ] &&
	ok "key $ka is recorded under device A's login" || fail "key $ka not recorded for device A"
out=$(as a keys register 2>&1) && echo "$out" | grep -q "^ticket key $ka registered" &&
	ok "registering again is harmless: $out" || fail "keys register: $out"
out=$(as c keys init --no-register 2>&1) && [ -f "$var/c/ticket.key" ] || fail "keys init --no-register: $out"
kc=$(echo "$out" | sed -n 's/^ticket key \([0-9a-f]\{16\}\): .*/\1/p')
[ -n "$kc" ] && [ -z "$(owner_sql -c "SELECT 1 FROM core.ticket_key WHERE key_id = '$kc'")" ] &&
	ok "keys init --no-register makes key $kc and registers nothing" || fail "key c: $out"

# ---- the owner sees every key and who registered it; a device may not
list=$(owner keys list 2>&1) || fail "keys list: $list"
echo "$list" | grep -q "^$ka  *marquee_keys47_a  *kiosk-a .* -$" &&
	echo "$list" | grep -q "^$kb  *marquee_keys47_b  *kiosk-b " && ok "keys list names each key's device" ||
	fail "keys list: $list"
out=$(door keys list 2>&1) && fail "a door may list the keys: $out" ||
	{ [ "$out" = "marquee keys: cannot list the ticket keys: it needs the database owner's login, not a device's" ] &&
		ok "a device may not list: $out" || fail "door keys list: $out"; }

# ---- a ticket printed with device A's key; its issue recorded with the key
st=$(soon_showtime)
code=$(paid_booking "$st" '{B1,B2,B3}' 4747)
[ -n "$code" ] || { echo "could not make a paid booking"; exit 1; }
sa=$(session_at marquee_keys47_a cashier)
claim=$(psql -XAtq "$dsn_a" -c "SELECT print_status FROM api.print_claim('$sa', '$code', NULL, '$ka')")
[ "$claim" = ok ] && ok "device A claims the print with its key" || fail "claim: $claim"
payloads a "$code" >"$var/a.txt" || fail "render with key a"
[ "$(grep -c '^MQ1' "$var/a.txt")" = 3 ] && ok "three tickets signed by key $ka" || fail "payloads: $(cat "$var/a.txt")"
owner keys export -o "$var/ring" || fail "keys export"
[ "$(grep -c '^ed25519-public [0-9a-f]\{64\} [0-9a-f]\{16\}$' "$var/ring")" -ge 2 ] && grep -q " $ka\$" "$var/ring" &&
	ok "the keyring holds every registered key, each with its id" || fail "keyring: $(cat "$var/ring")"
[ "$(door keys export)" = "$(cat "$var/ring")" ] && ok "a door exports the same keyring" || fail "door keys export"
v=$(sed -n 1p "$var/a.txt" | door scan --offline --keyring "$var/ring")
echo "$v" | grep -q '^valid: seat B1' && ok "offline with the keyring: $v" || fail "offline: $v"
v=$(sed -n 2p "$var/a.txt" | door scan --keyring "$var/kept")
echo "$v" | grep -q '^valid: seat B2, Adult, ' && ok "online, with the ticket type: $v" || fail "online: $v"
cmp -s "$var/kept" "$var/ring" && ok "an online scanner keeps the keys it read (--keyring)" ||
	fail "kept keyring: $(diff "$var/kept" "$var/ring")"

# a door scanner left running: what it says before and after the revocation
code_r=$(paid_booking "$st" '{B6}' 4949)
payloads a "$code_r" >"$var/r.txt" || fail "render booking $code_r with key a"
mkfifo "$var/scan.in"
door scan <"$var/scan.in" >"$var/scan.out" 2>"$var/scan.err" &
scanner=$!
exec 3>"$var/scan.in"
cat "$var/r.txt" >&3
for i in $(seq 1 50); do [ -s "$var/scan.out" ] && break; sleep 0.1; done
grep -q '^valid: seat B6' "$var/scan.out" && ok "a running door admits key A's ticket" ||
	fail "running scanner: $(cat "$var/scan.out" "$var/scan.err")"

# ---- revoking: the owner only
out=$(door keys revoke "$ka" 2>&1) && fail "a door revoked a key: $out" ||
	{ [ "$out" = "marquee keys: cannot revoke ticket key $ka: it needs the database owner's login, not a device's" ] &&
		ok "a device may not revoke: $out" || fail "door revoke: $out"; }
out=$(owner keys revoke "$ka" --reason "kiosk A stolen" 2>&1) && ok "$out" || fail "revoke: $out"
out=$(owner keys revoke 0123456789abcdef 2>&1) && fail "revoked an unknown key" ||
	{ echo "$out" | grep -q "no ticket key 0123456789abcdef" && ok "unknown key: $out" || fail "unknown revoke: $out"; }
owner keys list | grep -q "^$ka .* kiosk A stolen$" && ok "keys list shows the revocation" ||
	fail "list after revoke: $(owner keys list)"

# ---- what key A signed is refused; key B still signs
sleep 11	# the running scanner reads the keys again when they are ten seconds old
cat "$var/r.txt" >&3
for i in $(seq 1 50); do [ "$(wc -l <"$var/scan.out")" -ge 2 ] && break; sleep 0.1; done
exec 3>&-
wait $scanner
sed -n 2p "$var/scan.out" | grep -q "^revoked key: signed with key $ka" &&
	ok "the running door learns of it: $(sed -n 2p "$var/scan.out")" || fail "running scanner after revoke: $(cat "$var/scan.out")"
v=$(sed -n 3p "$var/a.txt" | door scan --keyring "$var/kept")
echo "$v" | grep -q "^revoked key: signed with key $ka, revoked " && ok "online: $v" || fail "online after revoke: $v"
grep -q "^ed25519-public [0-9a-f]* $ka revoked " "$var/kept" && ok "the kept keyring marks it revoked" ||
	fail "kept keyring: $(cat "$var/kept")"
v=$(sed -n 3p "$var/a.txt" | door scan --offline --keyring "$var/kept")
echo "$v" | grep -q "^revoked key: signed with key $ka" && ok "offline with the kept keyring: $v" || fail "offline kept: $v"
owner keys export -o "$var/ring2"
v=$(sed -n 3p "$var/a.txt" | door scan --offline --keyring "$var/ring2")
echo "$v" | grep -q "^revoked key" && ok "offline with a new export: $v" || fail "offline new export: $v"
v=$(sed -n 3p "$var/a.txt" | door scan --offline --keyring "$var/ring")
echo "$v" | grep -q "^valid" && ok "(an old keyring does not know yet: export after revoking)" || fail "old keyring: $v"
reclaim=$(psql -XAtq "$dsn_a" -c "SELECT api.print_release('$sa', '$code', 'test')" \
	-c "SELECT message FROM api.print_claim('$sa', '$code', NULL, '$ka')" | tail -1)
echo "$reclaim" | grep -q "was revoked" && ok "device A prints no more: $reclaim" || fail "claim after revoke: $reclaim"
code_b=$(paid_booking "$st" '{B4}' 4848)
payloads b "$code_b" >"$var/b.txt" || fail "render with key b"
v=$(door scan <"$var/b.txt")
echo "$v" | grep -q '^valid: seat B4' && ok "device B's tickets still open the door: $v" || fail "key b: $v"

# ---- a key never registered
payloads c "$code_b" >"$var/c.txt" || fail "render with key c"
v=$(door scan <"$var/c.txt")
echo "$v" | grep -q "^unknown key: signed with key $kc, which is not registered" && ok "online: $v" ||
	fail "unregistered online: $v"
v=$(door scan --offline --keyring "$var/ring2" <"$var/c.txt")
echo "$v" | grep -q "^unknown key: signed with key $kc, which the keyring" && ok "offline: $v" ||
	fail "unregistered offline: $v"
# its own public key file is a keyring of one key that knows it
v=$(door scan --offline --keyring "$var/c/ticket.pub" <"$var/c.txt")
echo "$v" | grep -q "^valid" && ok "a public key file is a keyring of one key" || fail "pub as keyring: $v"
# ... and it names key c: checked with key b's public key it is no ticket of b's
v=$(door scan --offline --keyring "$var/b/ticket.pub" <"$var/c.txt")
echo "$v" | grep -q "^unknown key" && ok "another device's public key does not take it: $v" || fail "b's pub: $v"
# a damaged keyring is refused, not half read
{ head -2 "$var/ring2"; echo "ed25519-public $(printf '%064d' 0) $ka"; } >"$var/bad-ring"
out=$(door scan --offline --keyring "$var/bad-ring" </dev/null 2>&1) && fail "a damaged keyring was read" ||
	{ echo "$out" | grep -q "line 3 is not a ticket key line" && ok "damaged keyring: $out" || fail "bad ring: $out"; }

[ "$fails" = 0 ] && echo "47-ticket-keys: all good" || echo "47-ticket-keys: $fails failed"
[ "$fails" = 0 ]
