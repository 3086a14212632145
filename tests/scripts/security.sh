# --create and --rm in a world-writable sticky directory (like /tmp) never
# use what another user planted there; tools make FIFOs 0600 and
# mk --temp directories 0700 under $TMPDIR.
source "$(dirname "$0")/lib.sh"

mkdir -m 1777 shared
echo "root's secret" > secret
chmod 600 secret
"$F" mk own-fifo

# Another user plants a symlink to root's file, and to root's FIFO.
"${AS_NOBODY[@]}" ln -s "$T/secret" shared/to-file
"${AS_NOBODY[@]}" ln -s "$T/own-fifo" shared/to-fifo
expect_fail 1 "fifo cat: 'shared/to-file': refusing a symlink in a world-writable sticky directory" "$F" cat --create shared/to-file
expect_fail 1 "fifo cat: 'shared/to-fifo': refusing a symlink in a world-writable sticky directory" "$F" cat --create -t 1s shared/to-fifo
expect_fail 1 "fifo send: 'shared/to-fifo': refusing a symlink in a world-writable sticky directory" "$F" send --create --no-wait shared/to-fifo x
expect_fail 1 "fifo redirect: 'shared/to-fifo': refusing a symlink in a world-writable sticky directory" "$F" redirect --create --fd 3 --rw shared/to-fifo -- true

# Another user's FIFO, waiting to read what root would send.
"${AS_NOBODY[@]}" "$F" mk -m 666 shared/trap
expect_fail 1 "fifo send: 'shared/trap': refusing a FIFO owned by another user in a world-writable sticky directory" "$F" send --create --no-wait shared/trap secret
eq 1 "$("$F" stat -L -c %h shared/to-fifo)" "the planted links were left alone"
ok "no planted path was used"

# Without --create, using an existing shared FIFO is the user's own choice.
spawn "${AS_NOBODY[@]}" "$F" cat shared/trap
eq 0 "$(timeout 20 "$F" send shared/trap shared-on-purpose; echo $?)" "a named shared FIFO still works without --create"

# root's own FIFO in the sticky directory is fine with --create and --rm.
spawn "$F" cat --create --rm shared/mine
until [ -p shared/mine ]; do sleep 0.01; done
eq "600 root" "$(stat -c '%a %U' shared/mine)" "--create makes a 0600 FIFO"
timeout 20 "$F" send shared/mine bye
finish "$SPAWNED"
[ ! -e shared/mine ] || fail "--rm left its FIFO"
ok "--create --rm in a sticky directory"

# mk --temp honours TMPDIR and makes 0700 directories and 0600 FIFOs.
made=$(TMPDIR="$T/shared" "$F" mk --temp)
eq "$T/shared 700 600" "$(dirname "$(dirname "$made")") $(stat -c %a "$(dirname "$made")") $(stat -c %a "$made")" "mk --temp under TMPDIR: 0700 directory, 0600 FIFO"

# No command ever opens with O_CREAT: traced with strace across every
# command that opens a path.
need strace
"$F" mk traced
echo data > plain
traced() {
    timeout 20 strace -f -qq -e trace=openat,open -o trace.txt "$@" > /dev/null 2>&1 || true
    if grep -v '/dev/null' trace.txt | grep -q O_CREAT; then
        fail "O_CREAT used by: $* -> $(grep O_CREAT trace.txt | head -2)"
    fi
}
traced "$F" send --no-wait traced x
traced "$F" send --create --no-wait made-by-send x
traced "$F" cat -t 200ms traced
traced "$F" cat plain
traced bash -c "echo hi | '$F' tee -t 200ms traced plain"
traced "$F" redirect --fd 3 --rw traced -- true
traced "$F" stat traced
traced "$F" send --no-wait typo x
[ ! -e typo ] || fail "send created typo"
ok "no O_CREAT in any open (strace)"
