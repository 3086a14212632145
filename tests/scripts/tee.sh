# fifo tee: fan-out to FIFOs and files, concurrent opens, readers that leave,
# --no-wait, -t, every --output-error mode, --append, and a closed stdout.
source "$(dirname "$0")/lib.sh"

# 200 MB to two FIFOs and stdout, checked by checksum at each end.
head -c 200000000 /dev/urandom > src
want=$(sha256sum < src)
"$F" mk a b
spawn bash -c "'$F' cat a | sha256sum > a.sum"
ra=$SPAWNED
spawn bash -c "cat b | sha256sum > b.sum"
rb=$SPAWNED
eq "$want" "$(timeout 60 "$F" tee a b < src | sha256sum)" "200 MB: stdout gets every byte"
finish "$ra"; finish "$rb"
eq "$want" "$(cat a.sum)" "200 MB: the fifo cat reader gets every byte"
eq "$want" "$(cat b.sum)" "200 MB: the coreutils cat reader gets every byte"

# Opens are concurrent: b's reader gets in while a still has no reader.
python3 -c 'print("x" * 1000)' > line
spawn bash -c "'$F' tee a b < line > tee.out"
tee_pid=$SPAWNED
spawn python3 -c '
import os, sys
fd = os.open("b", os.O_RDONLY)
print("opened", flush=True)
data = b""
while chunk := os.read(fd, 65536):
    data += chunk
open("b.got", "wb").write(data)' > b.state
rb=$SPAWNED
wait_until 10 "b's reader to open" grep -q opened b.state
ok "b's reader opened while a had no reader"
spawn bash -c "cat a > a.got"
ra=$SPAWNED
finish "$tee_pid"; eq 0 "$STATUS" "tee exits 0 once the late reader came"
finish "$ra"; finish "$rb"
cmp line a.got && cmp line b.got && cmp line tee.out || fail "late reader lost data"
ok "every output, late or not, got every byte"

# A reader that leaves after 100 bytes is dropped; the other gets everything.
head -c 20000000 /dev/urandom > mid
want=$(sha256sum < mid)
spawn python3 -c '
import os
fd = os.open("a", os.O_RDONLY)
got = 0
while got < 100:
    chunk = os.read(fd, 100 - got)
    assert chunk, "end of data before 100 bytes"
    got += len(chunk)'
spawn bash -c "cat b | sha256sum > b.sum"
rb=$SPAWNED
run bash -c "'$F' tee a b < mid > /dev/null"
tee_status=$STATUS
finish "$rb"
eq 1 "$tee_status" "a departed reader makes the status 1"
[[ "$ERR" =~ ^"fifo tee: 'a': reader went away; "[0-9]+" bytes were written into its pipe; output dropped"$ ]] || fail "message [$ERR]"
ok "the departed reader is named, with the bytes it got"
eq "$want" "$(cat b.sum)" "the remaining reader got every byte"

# output_error MODE STATUS MESSAGE: a reader of a leaves at once, b stays.
output_error() {
    local mode=$1 want_status=$2 want_message=$3
    spawn python3 -c 'import os; os.close(os.open("a", os.O_RDONLY))'
    spawn bash -c "cat b > b.got"
    local rb=$SPAWNED
    run bash -c "'$F' tee $mode a b < mid > /dev/null"
    local tee_status=$STATUS
    finish "$rb"
    eq "$want_status" "$tee_status" "tee $mode: status"
    [[ "$ERR" == *"$want_message"* ]] || fail "tee $mode: stderr [$ERR] lacks [$want_message]"
    [ -n "$want_message" ] || [ -z "$ERR" ] || fail "tee $mode: expected silence, got [$ERR]"
}
output_error --output-error=warn 1 "'a': reader went away"
cmp mid b.got || fail "warn: b lost data"
output_error --output-error=warn-nopipe 0 ""
cmp mid b.got || fail "warn-nopipe: b lost data"
output_error --output-error 0 ""
cmp mid b.got || fail "bare --output-error: b lost data"
output_error --output-error=exit-nopipe 0 ""
cmp mid b.got || fail "exit-nopipe: b lost data"
ok "warn, warn-nopipe and exit-nopipe keep the other output whole"
output_error --output-error=exit 1 "fifo tee: 'a': reader went away"
[ "$(stat -c %s b.got)" -lt 20000000 ] || fail "exit mode went on after the failure"
ok "exit mode stops at the first failed output"
# exit-nopipe still stops at an error that is not a departed reader.
spawn bash -c "cat b > b.got"
rb=$SPAWNED
expect_fail 1 "fifo tee: '/dev/full': write error: No space left on device" bash -c "'$F' tee --output-error=exit-nopipe /dev/full b < mid > /dev/null"
finish "$rb"
run bash -c "'$F' tee /dev/full < line"
eq "1 $(cat line)" "$STATUS $OUT" "default mode: a full disk is dropped, stdout still gets all"
expect_fail 2 "invalid value 'sometimes'" "$F" tee --output-error=sometimes a

# stdout's reader leaving, with no other output: as GNU tee, which dies of
# SIGPIPE without --output-error (141) and ignores it with one, so that the
# -nopipe modes end quietly with 0 and warn and exit say it with status 1
# (fifo said nothing and gave 141 in all four).
stdout_gone() {
    local mode=$1 want=$2
    run bash -c "'$F' tee $mode < mid | head -c 1 > /dev/null; exit \${PIPESTATUS[0]}"
    eq "$want" "$STATUS $ERR" "tee ${mode:-(no --output-error)} whose stdout's reader left"
}
stdout_gone "" "141 "
stdout_gone --output-error "0 "
stdout_gone --output-error=warn-nopipe "0 "
stdout_gone --output-error=exit-nopipe "0 "
stdout_gone --output-error=warn "1 fifo tee: standard output: write error: Broken pipe; output dropped"
stdout_gone --output-error=exit "1 fifo tee: standard output: write error: Broken pipe"

# --no-wait skips a FIFO nobody reads; -t gives up on it with 124.
spawn bash -c "cat b > b.got"
rb=$SPAWNED
blocked_in_open "$rb"
run bash -c "'$F' tee --no-wait a b < line"
tee_status=$STATUS
finish "$rb"
eq "0 $(cat line)" "$tee_status $OUT" "--no-wait: status 0, stdout gets everything"
eq "fifo tee: 'a': no reader (nobody has it open for reading); skipped" "$ERR" "--no-wait warns about the skipped FIFO"
cmp line b.got || fail "--no-wait: the FIFO with a reader lost data"
spawn bash -c "cat b > b.got"
rb=$SPAWNED
# b's reader must be there within the 300 ms as surely as a's is not.
blocked_in_open "$rb"
run bash -c "'$F' tee -t 300ms a b < line"
tee_status=$STATUS
finish "$rb"
eq 124 "$tee_status" "-t: a FIFO without a reader in time is status 124"
eq "fifo tee: 'a': timed out after 300ms waiting for a reader" "$ERR" "-t names the FIFO without a reader"
cmp line b.got || fail "-t: the FIFO with a reader lost data"
ok "-t: the other FIFO still got everything"

# Regular files: truncated, or appended to with -a; a typo is never created.
echo old > log
echo new | timeout 20 "$F" tee log > /dev/null
eq new "$(cat log)" "a regular file is truncated"
echo newer | timeout 20 "$F" tee -a log > /dev/null
eq "new
newer" "$(cat log)" "-a appends"
run bash -c "echo data | '$F' tee lgo log"
eq "1 data" "$STATUS $OUT" "a missing PATH: status 1, stdout still served"
eq "fifo tee: 'lgo': cannot open: No such file or directory" "$ERR" "the missing PATH is named"
[ ! -e lgo ] || fail "tee created a file for a typo"
eq data "$(cat log)" "the other file still got the data"

# A closed stdout: quiet 141 when it was the only output; with another
# output left, stdout is dropped with a warning and the file gets all.
head -c 5000000 /dev/zero > zeros
set +o pipefail
"$F" tee < zeros 2> err.txt | head -c 10 > /dev/null
status=${PIPESTATUS[0]}
eq "141 " "$status $(cat err.txt)" "stdout closed, nothing else left: quiet 141"
: > copy
"$F" tee copy < zeros 2> err.txt | head -c 10 > /dev/null
status=${PIPESTATUS[0]}
set -o pipefail
eq 1 "$status" "stdout closed, a file left: status 1"
eq "fifo tee: standard output: write error: Broken pipe; output dropped" "$(cat err.txt)" "the dropped stdout is named"
cmp zeros copy || fail "the file lost data when stdout closed"
ok "the file got every byte"
