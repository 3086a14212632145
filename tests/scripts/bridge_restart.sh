# A transport whose far process is started again for every link (exec:,
# as ssh: is): the far fifo bridge on stdio: is killed five times during
# the transfer, each way, and the stream resumes where it was: the far
# side's keeper holds its FIFO open (its reader sees no end of file in the
# gaps) and its place in the stream. sha256 equal, nothing duplicated, and
# linked again after every kill.
# slow
source "$(dirname "$0")/lib.sh"

head -c 6000000 /dev/urandom > in
# The data goes in six parts of PART bytes, part K + 1 only once the file
# go.K is there (see cut_five).
PART=1000000
SPAWN_TIMEOUT=120
export TMPDIR=$T

# links LOG: how many times the bridge that writes LOG has linked so far.
links() { grep -c ': linked$' "$1" || true; }
# linked LOG N: whether it has linked N times.
linked() { [ "$(links "$1")" -ge "$2" ]; }
# arrived FILE N: FILE holds at least N bytes.
arrived() { [ "$(stat -c %s "$1" 2> /dev/null || echo 0)" -ge "$2" ]; }

# write_parts FIFO: writes `in` into FIFO, each part after the first once
# the cut before it was made, so that the transfer is still running at
# every cut however slow or fast the machine is.
write_parts() {
    # shellcheck disable=SC2016
    spawn bash -c '
        exec 3< in > "$1"
        for ((k = 0; k < 5; k++)); do
            head -c "$2" <&3
            until [ -e "go.$k" ]; do sleep 0.05; done
        done
        cat <&3' writer "$1" "$PART"
}

# cut_five LOG GOT: kills the far stdio: process five times. Cut K + 1
# waits until the bridge writing LOG has linked K + 1 times (again after
# the cut before) and part K + 1 has begun to arrive in GOT (so the link
# carries data), kills the far process that wrote its PID, and only then
# lets part K + 2 go.
cut_five() {
    local log=$1 got=$2 i pid
    for ((i = 0; i < 5; i++)); do
        wait_until 20 "link $((i + 1)) ($log)" linked "$log" $((i + 1))
        wait_until 20 "part $((i + 1)) to arrive in $got" arrived "$got" $((i * PART + 1))
        pid=$(cat relay.pid)
        rm relay.pid
        kill -KILL "$pid" || fail "the far end ($pid) was gone before cut $((i + 1))"
        touch "go.$i"
    done
}

# This side sends; the far side (a keeper) writes dst.
"$F" mk src dst
spawn bash -c "cat dst > got"
reader=$SPAWNED
spawn "$F" bridge -v --once --rate-limit 2M --replay-buffer 1M src \
    "exec:echo \$\$ > relay.pid; exec '$F' bridge stdio: dst" 2> sender.err
sender=$SPAWNED
write_parts src
cut_five sender.err got
finish "$sender"
eq 0 "$STATUS" "sending: the bridge ends once the far end has everything ($(tail -n 1 sender.err))"
finish "$reader"
eq "$(sha256sum < in)" "$(sha256sum < got)" "sending: the far reader got every byte once, with no end of file in the gaps"
linked sender.err 6 || fail "sending: linked $(links sender.err) time(s), not 6"
ok "sending: linked $(links sender.err) times, again after each of the five kills"

# The far side sends (from its keeper); this side writes dst2.
rm -f relay.pid
"$F" mk src2 dst2
spawn bash -c "cat dst2 > got2"
reader=$SPAWNED
spawn "$F" bridge -v "exec:echo \$\$ > relay.pid; exec '$F' bridge --once --rate-limit 2M --replay-buffer 1M src2 stdio:" dst2 2> receiver.err
receiver=$SPAWNED
rm -f go.*
write_parts src2
cut_five receiver.err got2
finish "$receiver"
eq 0 "$STATUS" "receiving: the bridge ends at the far end's end of file ($(tail -n 1 receiver.err))"
finish "$reader"
eq "$(sha256sum < in)" "$(sha256sum < got2)" "receiving: every byte once"
linked receiver.err 6 || fail "receiving: linked $(links receiver.err) time(s), not 6"
ok "receiving: linked $(links receiver.err) times, again after each of the five kills"
eq "" "$(ls "fifo-bridge-$(id -u)")" "the keepers are gone, their sockets with them"
