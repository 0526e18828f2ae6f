#!/bin/bash
# 90-deb.sh - the Debian package, built and installed like a cinema would.
#
# Builds the package with dpkg-buildpackage from a copy of this tree (so the
# running test cluster in build/test-var and ./marquee are never touched),
# runs lintian (no errors allowed), then installs it:
#   as root: dpkg -i onto this machine (CI's machine is thrown away after the
#            run), with the maintainer scripts, the marquee user and the units;
#            purged again at the end;
#   else, or if a marquee package is already installed here: dpkg -x into a
#            directory, running the program from there.
# Either way the installed program, with its installed SQL and configuration
# (MARQUEE_SQLDIR, MARQUEE_CONFIG and MARQUEE_DSN unset), migrates a fresh
# PostgreSQL cluster that the install itself must not have touched.
set -euo pipefail
top=$PWD
say() { echo "90-deb: $*"; }
fail() { echo "90-deb: FAIL: $*" >&2; exit 1; }

for tool in dpkg-buildpackage dh lintian hardening-check; do
	command -v "$tool" >/dev/null || fail "$tool is missing (scripts/deps.sh check installs it)"
done

work=$(mktemp -d /tmp/marquee-deb.XXXXXX)
chmod 0755 "$work"	# the cluster (user postgres) and user marquee reach into it
installed=""
pgdir=$work/pg
dropins=""
remove_dropins() {
	for d in $dropins; do
		rm -f "$d" || true
		rmdir --ignore-fail-on-non-empty "$(dirname "$d")" 2>/dev/null || true
	done
	dropins=""
}
tmux_sock=""
cleanup() {
	remove_dropins
	[ -n "$tmux_sock" ] && tmux -L "$tmux_sock" kill-server 2>/dev/null
	if [ -n "$installed" ]; then
		dpkg --purge marquee >/dev/null 2>&1 || true
	fi
	[ -d "$pgdir" ] && "$top/scripts/pg.sh" stop "$pgdir" 2>/dev/null || true
	rm -rf "$work" /var/tmp/marquee-pg-"$(printf %s "$pgdir" | md5sum | cut -c1-10)" 2>/dev/null || true
}
trap cleanup EXIT

version=$(dpkg-parsechangelog -l debian/changelog -S Version)
upstream=${version%-*}
arch=$(dpkg --print-architecture)
deb=$work/src/marquee_${version}_${arch}.deb

# --- build, from a copy of the working tree (edits not yet committed included)
start=$SECONDS
src=$work/src/marquee-$upstream
mkdir -p "$src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$top" ls-files -z --cached --others --exclude-standard |
		tar -C "$top" --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -C "$src" -xf -
else
	tar -C "$top" --exclude=./build --exclude=./var --exclude=./marquee -cf - . | tar -C "$src" -xf -
fi
[ -f "$src/debian/rules" ] || fail "copying the tree to $src"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
	tail -40 "$work/build.log"
	fail "dpkg-buildpackage failed"
fi
[ -f "$deb" ] || fail "dpkg-buildpackage made no $deb"
grep -q -- '-fstack-protector-strong' "$work/build.log" && grep -q -- '-D_FORTIFY_SOURCE' "$work/build.log" &&
	grep -q -- '-z,now' "$work/build.log" || fail "dpkg-buildflags' hardening flags did not reach the compiler"
say "built $(basename "$deb") ($(stat -c %s "$deb") bytes) in $((SECONDS - start)) s"

# --- lintian: errors fail; the warnings kept are listed in docs/install.md
start=$SECONDS
lintian --fail-on error \
	"$work/src/marquee_${version}_${arch}.changes" >"$work/lintian.log" 2>&1 || {
	cat "$work/lintian.log"; fail "lintian reports errors"; }
grep -v '^running with root privileges' "$work/lintian.log" | sed 's/^/90-deb: lintian: /' || true
say "lintian: $(grep -c '^E:' "$work/lintian.log" || true) errors, $(grep -c '^W:' "$work/lintian.log" || true) warnings ($((SECONDS - start)) s)"

# --- what the package holds
contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|')
for f in /usr/bin/marquee /etc/marquee/kiosk.conf /usr/share/man/man1/marquee.1.gz \
	/usr/share/man/man5/kiosk.conf.5.gz /usr/share/marquee/sql/demo.sql \
	/lib/systemd/system/marquee-kiosk.service /lib/systemd/system/marquee-notify.service \
	/lib/systemd/system/marquee-notify.timer /usr/share/doc/marquee/install.md.gz \
	/usr/share/doc/marquee/examples/getty-override.conf; do
	grep -qx "$f" <<<"$contents" || fail "the package lacks $f"
done
nschema=0
for m in sql/schema/*.sql; do
	grep -qx "/usr/share/marquee/$m" <<<"$contents" || fail "the package lacks schema file $m"
	nschema=$((nschema + 1))
done
nmig=0
for m in sql/migrations/*.sql; do
	[ -e "$m" ] || continue
	grep -qx "/usr/share/marquee/$m" <<<"$contents" || fail "the package lacks migration $m"
	nmig=$((nmig + 1))
done
grep -qx /usr/share/marquee/sql/migrations/README.md <<<"$contents" ||
	fail "the package lacks sql/migrations/README.md"
[ "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles)" = /etc/marquee/kiosk.conf ] ||
	fail "/etc/marquee/kiosk.conf is not the (only) conffile"
# Maintainer scripts: installing starts nothing (it would connect to the
# database); an upgrade restarts what was running instead of stopping it.
ctrl() { dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - "./$1" 2>/dev/null || true; }
if ctrl postinst | grep -v '^#' | grep -Eq 'deb-systemd-invoke (start|restart)|marquee db|psql'; then
	fail "postinst starts a service or touches a database"
fi
ctrl postinst | grep -q "try-restart.*marquee-kiosk.service" || fail "an upgrade does not restart a running kiosk"
if ctrl preinst | grep -q "stop.*marquee-kiosk.service"; then
	fail "an upgrade stops the kiosk (and nothing starts it again)"
fi
ctrl prerm | grep -q "stop marquee-kiosk.service" || fail "removing the package leaves the kiosk running"
depends=$(dpkg-deb -f "$deb" Depends)
grep -q 'libpq5' <<<"$depends" && grep -q 'libsodium' <<<"$depends" ||
	fail "Depends lacks the shared libraries: $depends"

# --- a fresh cluster, before the install: the install must leave it alone
MARQUEE_DB=marquee "$top/scripts/pg.sh" start "$pgdir" || fail "cannot start a fresh PostgreSQL"
eval "$(MARQUEE_DB=marquee "$top/scripts/pg.sh" env "$pgdir")"
unset MARQUEE_SQLDIR MARQUEE_CONFIG MARQUEE_DSN MARQUEE_OWNER_DSN MARQUEE_TERM_DSN
psql -Atqc "select 1" >/dev/null || fail "cannot reach the fresh cluster"

# --- install. Test runs of several checkouts on one machine take turns.
if [ "$(id -u)" -eq 0 ]; then
	exec 9>/run/lock/marquee-deb-test.lock
	flock -w 600 9 || fail "another package test has held the lock for 10 minutes"
fi
if [ "$(id -u)" -eq 0 ] && ! dpkg-query -W -f='${Status}' marquee 2>/dev/null | grep -q installed; then
	mode=dpkg-i
	# A purge keeps the system user (Debian practice); drop one left by an
	# earlier run so that this postinst has to make it.
	if getent passwd marquee >/dev/null; then
		deluser --system --quiet marquee >/dev/null 2>&1 || fail "cannot remove the old marquee user"
	fi
	if getent group marquee >/dev/null; then
		delgroup --system --quiet marquee >/dev/null 2>&1 || fail "cannot remove the old marquee group"
	fi
	start=$SECONDS
	installed=yes
	dpkg -i "$deb" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dpkg -i failed"; }
	say "installed with dpkg -i in $((SECONDS - start)) s"
	bin=/usr/bin/marquee
	etc=/etc/marquee
	as_user() { runuser -u marquee -- "$@"; }
else
	mode=dpkg-x
	dpkg -x "$deb" "$work/root"
	say "not root, or a marquee package is already installed here: testing the files unpacked with dpkg -x"
	bin=$work/root/usr/bin/marquee
	etc=$work/root/etc/marquee
	as_user() { env MARQUEE_CONFIG="$etc/kiosk.conf" "$@"; }
fi
[ -x "$bin" ] || fail "$bin is not installed"
[ "$(psql -Atqc "select count(*) from pg_namespace where nspname in ('core', 'api', 'marquee_meta')")" = 0 ] ||
	fail "installing the package touched the database"

# --- the installed files
out=$("$bin" --version) || fail "$bin --version failed"
[ "$out" = "marquee $upstream" ] || fail "--version says '$out', not 'marquee $upstream'"
say "$bin --version: $out"
grep -qx "signing_key = /etc/marquee/ticket.key" "$etc/kiosk.conf" &&
	grep -qx "public_key = /etc/marquee/ticket.pub" "$etc/kiosk.conf" ||
	fail "the packaged kiosk.conf does not keep its keys under /etc/marquee"
# No control flow protection: bookworm's toolchain links no CET-marked
# binary (debian/rules). Every other feature must be there.
command -v hardening-check >/dev/null || fail "hardening-check is missing (package devscripts)"
hardening-check --nocfprotection "$bin" >"$work/hardening.log" 2>&1 ||
	{ cat "$work/hardening.log"; fail "hardening-check $bin"; }
say "hardening-check: PIE, stack protector, fortify, RELRO, BIND_NOW"
if [ "$mode" = dpkg-i ]; then
	ent=$(getent passwd marquee) || fail "postinst made no marquee user"
	uid=$(cut -d: -f3 <<<"$ent")
	[ "$uid" -lt 1000 ] || fail "marquee is not a system user (uid $uid)"
	[ "$(cut -d: -f7 <<<"$ent")" = /usr/sbin/nologin ] || fail "user marquee has a login shell"
	[ "$(stat -c '%U:%G %a' /etc/marquee/kiosk.conf)" = "root:marquee 640" ] ||
		fail "kiosk.conf is $(stat -c '%U:%G %a' /etc/marquee/kiosk.conf), not root:marquee 640"
	if runuser -u nobody -- cat /etc/marquee/kiosk.conf >/dev/null 2>&1; then
		fail "any user can read kiosk.conf (it may hold a database password)"
	fi
	# systemctl answers these from the unit files, with or without a
	# running systemd.
	[ "$(systemctl is-enabled marquee-kiosk.service 2>&1)" = enabled ] ||
		fail "marquee-kiosk.service is not enabled at boot"
	[ "$(systemctl is-enabled marquee-notify.timer 2>&1)" = disabled ] ||
		fail "marquee-notify.timer is not installed disabled"
	man -w marquee >/dev/null && man -w 5 kiosk.conf >/dev/null || fail "man pages not found by man"
	command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing (scripts/deps.sh check installs systemd)"
	(cd /lib/systemd/system && systemd-analyze verify marquee-kiosk.service \
		marquee-notify.service marquee-notify.timer) >"$work/verify.log" 2>&1 ||
		{ cat "$work/verify.log"; fail "systemd-analyze verify"; }
	[ ! -s "$work/verify.log" ] || { cat "$work/verify.log"; fail "systemd-analyze verify complains"; }
	# The getty example, installed as its comment says.
	mkdir -p /etc/systemd/system/getty@tty1.service.d
	dropins=/etc/systemd/system/getty@tty1.service.d/90-deb-test.conf
	cp /usr/share/doc/marquee/examples/getty-override.conf "$dropins"
	(cd / && systemd-analyze verify getty@tty1.service) >"$work/verify.log" 2>&1 ||
		{ cat "$work/verify.log"; fail "systemd-analyze verify getty@tty1 with the example override"; }
	[ ! -s "$work/verify.log" ] || { cat "$work/verify.log"; fail "systemd-analyze verify complains about the getty example"; }
	remove_dropins
	say "systemd-analyze verify: the three units and the getty example are clean"
fi

# --- db migrate from the installed files (as the service user, reading the
# installed kiosk.conf from a directory that has none)
cd /
out=$(as_user env PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER="$PGUSER" PGDATABASE="$PGDATABASE" \
	"$bin" db migrate) || fail "marquee db migrate failed: $out"
grep -q "^applied baseline ($nschema files of .*/share/marquee/sql/schema)" <<<"$out" &&
grep -q "(baseline and $nmig migrations\? applied now, $nmig in all)" <<<"$out" ||
	fail "db migrate did not apply the baseline and all $nmig migrations: $out"
[ "$(psql -Atqc "select count(*) from marquee_meta.migration")" = "$((nmig + 1))" ] ||
	fail "the database does not record the baseline and $nmig migrations"
out=$(as_user env PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER="$PGUSER" PGDATABASE="$PGDATABASE" \
	"$bin" db migrate) || fail "a second marquee db migrate failed: $out"
grep -qx "database is up to date (0 migrations applied now, $nmig in all)" <<<"$out" || fail "a second db migrate changed things: $out"
as_user env PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER="$PGUSER" PGDATABASE="$PGDATABASE" \
	"$bin" db demo >/dev/null || fail "marquee db demo from the installed demo.sql failed"
shows=$(psql -Atqc "select count(*) from api.listing()") || fail "api.listing() after migrate"
[ "$shows" -gt 0 ] || fail "api.listing() shows nothing after db demo"
say "installed marquee migrated a fresh cluster (baseline of $nschema files, $nmig migrations; $shows showtimes listed after db demo)"

# --- reinstall over an edited kiosk.conf: the edit and the permissions stay
if [ "$mode" = dpkg-i ]; then
	echo "terminal = deb-test-9" >>/etc/marquee/kiosk.conf
	dpkg -i "$deb" >"$work/reinstall.log" 2>&1 || { cat "$work/reinstall.log"; fail "reinstalling failed"; }
	grep -qx "terminal = deb-test-9" /etc/marquee/kiosk.conf || fail "reinstalling lost the edit to kiosk.conf"
	[ "$(stat -c '%U:%G %a' /etc/marquee/kiosk.conf)" = "root:marquee 640" ] ||
		fail "after reinstalling kiosk.conf is $(stat -c '%U:%G %a' /etc/marquee/kiosk.conf)"
	out=$(as_user env PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER="$PGUSER" PGDATABASE="$PGDATABASE" \
		"$bin" db migrate) || fail "marquee db migrate after reinstalling failed: $out"
	say "reinstalled over an edited kiosk.conf: kept, still root:marquee 640"

	# The kiosk unit's own command line, User and Environment (read from the
	# installed unit), in a terminal (tmux instead of the VT), against the
	# database that kiosk.conf names: it must open its screens and stay up.
	if command -v tmux >/dev/null; then
		unit=/lib/systemd/system/marquee-kiosk.service
		u_user=$(sed -n 's/^User=//p' "$unit")
		u_env=$(sed -n 's/^Environment=//p' "$unit")
		u_cmd=$(sed -n 's/^ExecStart=//p' "$unit")
		echo "dsn = \"host=$PGHOST port=$PGPORT user=$PGUSER dbname=$PGDATABASE\"" >>/etc/marquee/kiosk.conf
		tmux_sock=marquee-deb-$$
		tmux -L "$tmux_sock" -f /dev/null new-session -d -x 120 -y 30 \
			"cd / && runuser -u $u_user -- env -i $u_env $u_cmd; echo EXITED \$?; sleep 30"
		sleep 4
		screen=$(tmux -L "$tmux_sock" capture-pane -p)
		tmux -L "$tmux_sock" kill-server 2>/dev/null || true
		tmux_sock=""
		if grep -q "EXITED" <<<"$screen"; then
			echo "$screen"; fail "the kiosk unit's command exited"
		fi
		grep -q '[[:alnum:]]' <<<"$screen" || fail "the kiosk unit's command drew nothing"
		say "the kiosk unit's command, as user $u_user with its environment, runs its screens"
	else
		fail "tmux is missing (scripts/deps.sh check installs it)"
	fi
fi

# --- remove
if [ "$mode" = dpkg-i ]; then
	dpkg --purge marquee >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "dpkg --purge failed"; }
	installed=""
	[ ! -e /usr/bin/marquee ] && [ ! -e /etc/marquee/kiosk.conf ] || fail "purge left the program or kiosk.conf"
	[ ! -L /etc/systemd/system/multi-user.target.wants/marquee-kiosk.service ] ||
		fail "purge left marquee-kiosk.service enabled"
	say "purged cleanly"
fi
say "ok ($mode)"
