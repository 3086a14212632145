# --create and --rm work in a world-writable sticky directory (like /tmp)
# on the user's own FIFO; tools make FIFOs 0600 and mk --temp directories
# 0700 under $TMPDIR; no open ever uses O_CREAT. (What another user planted
# there is refused: security_other_user.sh.)
source "$(dirname "$0")/lib.sh"

mkdir -m 1777 shared

# The user's own FIFO in the sticky directory is fine with --create and --rm.
spawn "$F" cat --create --rm shared/mine
wait_until 10 "shared/mine to exist as a FIFO" test -p shared/mine
eq "600 $(id -u)" "$(stat -c '%a %u' shared/mine)" "--create makes a 0600 FIFO of the user's own"
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
    if grep -v '/dev/null' trace.txt | grep O_CREAT > /dev/null; then
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
