# cups.sh - the private CUPS scheduler the ticket tests print through: see
# scripts/cups.sh, which make run uses too.
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/cups.sh"
