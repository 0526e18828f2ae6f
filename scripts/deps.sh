#!/bin/sh
# deps.sh - install the Debian packages Marquee needs to build, run and test.
# Run as root it installs what is missing; otherwise it prints the apt-get line.
set -eu
what=${1:-all}
build="build-essential pkg-config libpq-dev libncurses-dev libsodium-dev libqrencode-dev libcups2-dev"
run="postgresql-15 cups-daemon cups-client printer-driver-cups-pdf"
test="libcmocka-dev postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl tmux cups cups-client cups-bsd printer-driver-cups-pdf poppler-utils zbar-tools valgrind ghostscript netcat-openbsd clang libclang-rt-14-dev pg-auto-failover-cli postgresql-15-auto-failover nftables faketime"
deb="debhelper devscripts lintian fakeroot dpkg-dev"
case $what in
run) pkgs="$build $run" ;;
check) pkgs="$build $run $test $deb adduser systemd" ;;	# tests/check.d/90-deb.sh builds, installs the package
deb) pkgs="$build $deb" ;;
*) pkgs="$build $run $test $deb" ;;
esac
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "marquee: missing Debian packages. Run as root:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "marquee: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
