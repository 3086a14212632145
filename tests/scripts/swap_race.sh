# --create against another user who swaps the name between fifo's checks
# and its open. The swaps are forced, not hoped for: strace holds root's
# fifo inside the window (delay_exit on the call before the open), and the
# attacker (uid 65534) acts once the trace shows fifo is there. fifo must
# refuse (status 1, one line), and not one byte of root's secret may reach
# its stdout, nor one byte of root's message the attacker's reader.
# needs: root strace
source "$(dirname "$0")/lib.sh"
need_root
need strace

mkdir -m 700 vault
printf 'TOP-SECRET root only\n' > vault/secret
chmod 600 vault/secret
secret=$T/vault/secret

# traced LOG SYSCALL CMD...: runs CMD in the background under strace, each
# SYSCALL held 0.5 s after it returns; the trace goes to LOG.
traced() {
    local log=$1 syscall=$2
    shift 2
    : > "$log"
    # Without cargo's LD_LIBRARY_PATH: the loader would probe every one of
    # its directories, each probe held for the injected delay.
    SPAWN_TIMEOUT=60 spawn env -u LD_LIBRARY_PATH strace -f -qq -o "$log" \
        -e trace="$syscall" -e inject="$syscall":delay_exit=500000 "$@"
}

# as_attacker_once PID WHAT CMD...: waits (up to 15 s) for WHAT to hold, or
# for PID to end first (then the window never opened: nothing to do), and
# runs CMD as the attacker.
as_attacker_once() {
    local pid=$1 what=$2 tries=0
    shift 2
    until eval "$what"; do
        kill -0 "$pid" 2>/dev/null || return 0
        tries=$((tries + 1))
        [ $tries -lt 1500 ] || fail "waited 15s for: $what"
        sleep 0.01
    done
    "${AS_NOBODY[@]}" "$@"
}

# expect_refused PID WHAT: the traced fifo (PID) refused with status 1 and
# one line saying WHAT, and printed nothing.
expect_refused() {
    finish "$1"
    local err
    err=$(grep -v '^strace' err || true)
    [ "$STATUS" = 1 ] || fail "$2: status $STATUS, wanted 1 (stderr: $err; stdout: $(head -c 200 out))"
    [[ "$err" == *"refusing"* ]] || fail "$2: stderr [$err] lacks a refusal"
    [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "$2: stderr is not one line: [$err]"
    ! grep -q SECRET out || fail "$2: root's secret reached stdout"
    [ ! -s out ] || fail "$2: unexpected stdout [$(head -c 200 out)]"
    ok "$2: refused ($err)"
}

# 1. The attacker owns a sticky world-writable directory (a "drop box") and
# so may remove root's FIFO in it. Right after root's fifo makes the FIFO
# (mknodat held), the attacker puts a symlink to root's secret in its place.
mkdir -m 1777 drop
chown 65534:65534 drop
traced trace1 mknodat "$F" cat --create drop/p > out 2> err
pid=$SPAWNED
as_attacker_once "$pid" '[ -p drop/p ]' sh -c "rm drop/p && ln -s '$secret' drop/p"
expect_refused "$pid" "cat --create: made FIFO swapped for a symlink to a secret"

# 2. Same drop box; root's fifo send --create would hand its message to the
# attacker's own FIFO, put in place of root's.
rm -f drop/p
traced trace2 mknodat "$F" send --create drop/q "root's private message" > out 2> err
pid=$SPAWNED
as_attacker_once "$pid" '[ -p drop/q ]' sh -c "rm drop/q && mkfifo -m 666 drop/q"
spawn "${AS_NOBODY[@]}" "$F" cat -t 3s drop/q > leaked 2> /dev/null
reader=$SPAWNED
expect_refused "$pid" "send --create: made FIFO swapped for the attacker's FIFO"
finish "$reader"
[ ! -s leaked ] || fail "the attacker read [$(cat leaked)]"
ok "the attacker's reader got nothing"

# 3. A root-owned sticky directory (/tmp). The attacker plants a symlink to
# their own FIFO; root runs fifo cat --create. Every stat is held, and
# the attacker removes the link once the directory itself has been looked at
# (the last check before the path is looked at again), then links the secret
# once that look found nothing. fifo must never follow a link there.
mkdir -m 1777 sticky
"${AS_NOBODY[@]}" mkfifo -m 666 "$T/drop/evil"
"${AS_NOBODY[@]}" ln -s "$T/drop/evil" sticky/p
traced trace3 newfstatat "$F" cat --create sticky/p > out 2> err
pid=$SPAWNED
as_attacker_once "$pid" 'grep -q "newfstatat(AT_FDCWD, \"sticky\"," trace3' rm sticky/p
as_attacker_once "$pid" 'grep -q "\"sticky/p\".*ENOENT" trace3' ln -s "$secret" sticky/p
expect_refused "$pid" "cat --create: planted symlink swapped for a link to a secret"
