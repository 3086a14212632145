# The far end of an exec: or ssh: bridge keeps its place in
# $TMPDIR/fifo-bridge-UID, a name anyone can predict: a directory (or a
# link) another user made there first must not stop the bridge. The keeper
# then lives in $HOME/.fifo-bridge-UID, and the stream goes through.
# needs: root setpriv
source "$(dirname "$0")/lib.sh"
need_root

mkdir -m 1777 pub
mkdir -m 700 home
uid=$(id -u)
seq 1000 > data

# carry: sends data through an exec: transport whose far end is a local
# `fifo bridge stdio: dst`, under TMPDIR=pub; sets STATUS (the bridge's),
# ERR and got.
carry() {
    rm -f dst got
    "$F" mk dst
    spawn bash -c "cat dst > got"
    local reader=$SPAWNED
    run env TMPDIR="$T/pub" HOME="$T/home" "$F" bridge --once data exec:"'$F' bridge stdio: '$T/dst'"
    local status=$STATUS
    finish "$reader"
    STATUS=$status
}

"${AS_NOBODY[@]}" mkdir -m 700 "pub/fifo-bridge-$uid"
carry
eq 0 "$STATUS" "a directory uid 65534 planted does not stop the bridge (stderr: $ERR)"
eq "$(seq 1000)" "$(cat got)" "the stream came through"
[ -d "home/.fifo-bridge-$uid" ] || fail "no keeper's place in HOME"
ok "the keeper's place is in HOME"
eq "" "$(ls -A "pub/fifo-bridge-$uid")" "nothing went into the planted directory"

rmdir "pub/fifo-bridge-$uid"
"${AS_NOBODY[@]}" ln -s "$T/home" "pub/fifo-bridge-$uid"
carry
eq 0 "$STATUS" "a link uid 65534 planted does not stop the bridge (stderr: $ERR)"
eq "$(seq 1000)" "$(cat got)" "the stream came through past the link"
