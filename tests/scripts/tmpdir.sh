# An empty TMPDIR is treated as unset (/tmp), as mktemp(1) and Python do,
# and a relative one is made absolute: mk --temp never prints a relative
# path, and framed readers never keep a stash in the working directory.
source "$(dirname "$0")/lib.sh"

made=$(TMPDIR= "$F" mk --temp)
[[ "$made" == /tmp/fifo.*/fifo ]] || fail "TMPDIR= : mk --temp printed [$made]"
ok "TMPDIR= : mk --temp makes its directory in /tmp: $made"
rm "$made"
rmdir "$(dirname "$made")"
mkdir rel
made=$(TMPDIR=rel "$F" mk --temp)
[[ "$made" == "$T/rel/fifo."*/fifo ]] || fail "TMPDIR=rel: mk --temp printed [$made]"
ok "TMPDIR=rel: mk --temp prints an absolute path: $made"
eq "" "$(ls -A "$T" | grep -v '^rel$' || true)" "nothing made in the working directory"

mkfifo q
exec 3<> q
printf 'a\nb\n' | "$F" send --frame -l q 3>&-
run env TMPDIR= "$F" cat --frame -l 1 q
eq "0 a" "$STATUS $OUT" "TMPDIR= : a counted framed reader reads"
[ ! -e "fifo-$(id -u)" ] || fail "TMPDIR= : the stash was made in the working directory"
ok "TMPDIR= : no stash in the working directory"
run env TMPDIR= "$F" cat --frame -l 1 q
eq "0 b" "$STATUS $OUT" "TMPDIR= : and the next"
