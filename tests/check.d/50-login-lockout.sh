#!/bin/bash
# 50-login-lockout.sh - three wrong passwords lock the account: the right
# password is then refused with a clear message, at this terminal and at any
# other (the window is kept in the database).
. "$(dirname "$0")/../e2e-lib.sh"
# the ASan/UBSan build when there is one (make check builds it): memory
# errors and leaks at exit fail the stage
[ -x build/asan/marquee ] && export MARQUEE_E2E_BIN=${MARQUEE_E2E_BIN:-build/asan/marquee} ASAN_OPTIONS=detect_leaks=1

conf=$(counter_conf)
# a staff account of this test's own (other stages sign in as the demo staff),
# with the demo cashier's salt, limits and proof digest: its password is cashier1
q "INSERT INTO core.app_user (username, full_name, role, pw_salt, pw_opslimit, pw_memlimit, pw_digest)
   SELECT 'locktest', 'Lock Test', 'manager', pw_salt, pw_opslimit, pw_memlimit, pw_digest
     FROM core.app_user WHERE username = 'cashier'
   ON CONFLICT (username) DO NOTHING" >/dev/null
start c "$conf"
wait_for c "Staff sign-in"
lit c locktest; keys c Enter
lit c wrong1;  keys c Enter; wait_for c "2 of 3 tries left"
lit c wrong2;  keys c Enter; wait_for c "1 of 3 tries left"
lit c wrong3;  keys c Enter; wait_for c "Too many wrong passwords"
lit c cashier1; keys c Enter
wait_for c "Locked for [0-9]+ more minute"
absent c "Welcome"
n=$(q "SELECT count(*) FROM core.rate_event WHERE bucket = 'login:staff:locktest' AND NOT ok")
[ "$n" = 3 ] || fail "$n failures recorded, want 3"
# another terminal is locked out too
start d "$conf"
wait_for d "Staff sign-in"
lit d locktest; keys d Enter; lit d cashier1; keys d Enter
wait_for d "Locked for [0-9]+ more minute"
absent d "Welcome"
# and a cashier is not
keys d Tab; keys d C-u
lit d cashier; keys d Enter; lit d cashier1; keys d Enter
wait_for d "Welcome, Casey"
# log out (F10), quit from the sign-in screen (F10): the program ends cleanly
keys d F10; wait_for d "Staff sign-in"
keys d F10; wait_for d "MARQUEE-EXITED rc=0"
echo "locktest locked after 3 wrong passwords at both terminals; cashier unaffected"
echo ok
