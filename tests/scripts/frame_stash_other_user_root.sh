# The stash of a framed reader that is not root is never stopped by
# another user's directory at its name: in a sticky world-writable TMPDIR,
# uid 65533 makes fifo-65534 (0700, its own); uid 65534's reader, which
# cannot even open it (EACCES, where root could), keeps its stash in a
# private fifo-65534.XXXXXX beside it and finds it again. The open's
# EACCES was said as an error ("'.../fifo-65534': cannot open: Permission
# denied"), status 1, and the messages were lost.
# needs: root setpriv
source "$(dirname "$0")/lib.sh"
need_root

VICTIM=(setpriv --reuid=65534 --regid=65534 --clear-groups)
ATTACKER=(setpriv --reuid=65533 --regid=65533 --clear-groups)
mkdir -m 1777 shared
chmod 755 "$T"
export TMPDIR=$T/shared
mkfifo -m 666 q
exec 3<> q
"${ATTACKER[@]}" mkdir -m 700 shared/fifo-65534

printf 'a\nb\n' | "$F" send --frame -l q
run "${VICTIM[@]}" bash -c "exec '$F' cat --frame q > /dev/full"
eq "1 fifo cat: standard output: write error: No space left on device" "$STATUS $ERR" \
    "uid 65534's reader on /dev/full fails, saying only why"
ours=$(find shared -maxdepth 1 -user 65534 -name 'fifo-65534.??????')
[ -n "$ours" ] || fail "no private stash was made beside uid 65533's fifo-65534: $(ls -la shared)"
eq 700 "$(mode_of "$ours")" "the stash made beside it is uid 65534's, 0700"
run "${VICTIM[@]}" "$F" cat --frame -l 2 q
eq "0 a
b" "$STATUS $OUT" "the next reader of uid 65534 hands out both messages"
eq "" "$(ls -A shared/fifo-65534)" "nothing went into uid 65533's directory"
