# A transport whose far process is started again for every link (exec:,
# as ssh: is): the far fifo bridge on stdio: is killed five times during
# the transfer, each way, and the stream resumes where it was: the far
# side's keeper holds its FIFO open (its reader sees no end of file in the
# gaps) and its place in the stream. sha256 equal, nothing duplicated.
# slow
source "$(dirname "$0")/lib.sh"

head -c 6000000 /dev/urandom > in
SPAWN_TIMEOUT=120
export TMPDIR=$T

# kill_relays: kills the far stdio: process five times, each time once a
# new one has written its PID.
kill_relays() {
    local i pid
    for i in 1 2 3 4 5; do
        wait_until 20 "a far end" test -s relay.pid
        sleep 0.4
        pid=$(cat relay.pid)
        rm relay.pid
        kill -KILL "$pid" 2>/dev/null || true
    done
}

# This side sends; the far side (a keeper) writes dst.
"$F" mk src dst
spawn bash -c "cat dst > got"
reader=$SPAWNED
spawn "$F" bridge -v --once --rate-limit 2M --replay-buffer 1M src \
    "exec:echo \$\$ > relay.pid; exec '$F' bridge stdio: dst" 2> sender.err
sender=$SPAWNED
spawn bash -c "cat in > src"
kill_relays
finish "$sender"
eq 0 "$STATUS" "sending: the bridge ends once the far end has everything ($(tail -n 1 sender.err))"
finish "$reader"
eq "$(sha256sum < in)" "$(sha256sum < got)" "sending: the far reader got every byte once, with no end of file in the gaps"
links=$(grep -c ': linked$' sender.err || true)
[ "$links" -gt 1 ] || fail "sending: linked only $links time(s)"
ok "sending: linked $links times"

# The far side sends (from its keeper); this side writes dst2.
rm -f relay.pid
"$F" mk src2 dst2
spawn bash -c "cat dst2 > got2"
reader=$SPAWNED
spawn "$F" bridge -v "exec:echo \$\$ > relay.pid; exec '$F' bridge --once --rate-limit 2M --replay-buffer 1M src2 stdio:" dst2 2> receiver.err
receiver=$SPAWNED
spawn bash -c "cat in > src2"
kill_relays
finish "$receiver"
eq 0 "$STATUS" "receiving: the bridge ends at the far end's end of file ($(tail -n 1 receiver.err))"
finish "$reader"
eq "$(sha256sum < in)" "$(sha256sum < got2)" "receiving: every byte once"
links=$(grep -c ': linked$' receiver.err || true)
[ "$links" -gt 1 ] || fail "receiving: linked only $links time(s)"
ok "receiving: linked $links times"
eq "" "$(ls "fifo-bridge-$(id -u)")" "the keepers are gone, their sockets with them"
