# --create against another user who swaps the name between fifo's checks
# and its open. The swaps are forced, not hoped for: strace holds root's
# fifo inside the window (stopped right after the call before the open,
# stops.bash), the attacker (uid 65534) acts, and fifo goes on. fifo must
# refuse (status 1, one line), and not one byte of root's secret may reach
# its stdout, nor one byte of root's message the attacker's reader.
# needs: root strace
source "$(dirname "$0")/lib.sh"
source "$SCRIPTS/stops.bash"
need_root
need strace

mkdir -m 700 vault
printf 'TOP-SECRET root only\n' > vault/secret
chmod 600 vault/secret
secret=$T/vault/secret

# as_attacker_at WHAT CMD...: lets the stopped fifo go on from stop to
# stop until the call it stopped after matches WHAT (an extended regular
# expression), then runs CMD as the attacker and lets fifo go on.
as_attacker_at() {
    local what=$1
    shift
    stop_after "$what" "a call matching $what"
    "${AS_NOBODY[@]}" "$@"
    go_on
}

# expect_refused CASE: the stopped fifo (spawn_stopping), let go on to its
# end, refused with status 1 and one line, and printed nothing.
expect_refused() {
    finish_stopping
    local err
    err=$(grep -v '^strace' err || true)
    [ "$STATUS" = 1 ] || fail "$1: status $STATUS, wanted 1 (stderr: $err; stdout: $(head -c 200 out))"
    [[ "$err" == *"refusing"* ]] || fail "$1: stderr [$err] lacks a refusal"
    [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "$1: stderr is not one line: [$err]"
    ! grep -q SECRET out || fail "$1: root's secret reached stdout"
    [ ! -s out ] || fail "$1: unexpected stdout [$(head -c 200 out)]"
    ok "$1: refused ($err)"
}

# 1. The attacker owns a sticky world-writable directory (a "drop box") and
# so may remove root's FIFO in it. Right after root's fifo makes the FIFO
# (stopped after mknodat), the attacker puts a symlink to root's secret in its place.
mkdir -m 1777 drop
chown 65534:65534 drop
spawn_stopping mknodat "$F" cat --create drop/p > out 2> err
as_attacker_at '^mknodat\(.*"(drop/)?p"' sh -c "rm drop/p && ln -s '$secret' drop/p"
expect_refused "cat --create: made FIFO swapped for a symlink to a secret"

# 2. Same drop box; root's fifo send --create would hand its message to the
# attacker's own FIFO, put in place of root's.
rm -f drop/p
spawn_stopping mknodat "$F" send --create drop/q "root's private message" > out 2> err
as_attacker_at '^mknodat\(.*"(drop/)?q"' sh -c "rm drop/q && mkfifo -m 666 drop/q"
spawn "${AS_NOBODY[@]}" "$F" cat -t 3s drop/q > leaked 2> /dev/null
reader=$SPAWNED
expect_refused "send --create: made FIFO swapped for the attacker's FIFO"
finish "$reader"
[ ! -s leaked ] || fail "the attacker read [$(cat leaked)]"
ok "the attacker's reader got nothing"

# 3. A root-owned sticky directory (/tmp), where the attacker may plant
# names but not remove root's. fifo cat --create looks at the name first
# (and finds nothing); right after that look the attacker plants a symlink
# to root's secret there. fifo must never follow a link there.
mkdir -m 1777 sticky
spawn_stopping statx,newfstatat "$F" cat --create sticky/p > out 2> err
as_attacker_at '(statx|newfstatat)\(AT_FDCWD, "sticky/p".*ENOENT' ln -s "$secret" sticky/p
expect_refused "cat --create: symlink to a secret planted after fifo looked"

# 4. The same, with the attacker's link already there (to their own FIFO,
# which the look sees through the link) and swapped for a link to the
# secret right after the look.
"${AS_NOBODY[@]}" rm sticky/p
"${AS_NOBODY[@]}" mkfifo -m 666 "$T/drop/evil"
"${AS_NOBODY[@]}" ln -s "$T/drop/evil" sticky/p
spawn_stopping statx,newfstatat "$F" cat --create sticky/p > out 2> err
as_attacker_at '(statx|newfstatat)\(AT_FDCWD, "sticky/p".*S_IFIFO' \
    sh -c "rm sticky/p && ln -s '$secret' sticky/p"
expect_refused "cat --create: planted symlink swapped for a link to a secret"
