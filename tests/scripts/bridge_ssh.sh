# fifo bridge over ssh between two hosts: this one and a network namespace
# joined to it by a veth pair, where the test starts sshd (Debian's
# openssh-server) on its own port with generated host and user keys.
# 64 MiB (BRIDGE_SSH_BYTES; 1 GiB in bridge_ssh_gib.sh) go from a FIFO
# here to ssh:HOST:FIFO, sha256 equal; then 64 MiB (BRIDGE_SSH_CUT_BYTES)
# at 4 MB/s with the link cut ten times during the transfer, five times by
# killing the ssh process (the remote keeper resumes) and five by taking
# the veth down for a second (once killing the ssh meanwhile, so that a
# reconnection is made during the outage): sha256 and size equal, nothing
# duplicated, and linked again after every ssh killed.
# needs: root ip sshd ssh ssh-keygen
# slow
source "$(dirname "$0")/lib.sh"
need_root

ns=fifo-bridge-$$
here=veth-fb$$a
there=veth-fb$$b
net=10.$((200 + $$ % 50)).$(($$ % 250)).
cleanup_net() {
    [ -z "${SSHD_PID:-}" ] || kill "$SSHD_PID" 2> /dev/null || true
    ip link del "$here" 2> /dev/null || true
    ip netns del "$ns" 2> /dev/null || true
}
trap 'cleanup_net; cleanup' EXIT
ip netns add "$ns"
ip link add "$here" type veth peer name "$there"
ip link set "$there" netns "$ns"
ip addr add "${net}1/24" dev "$here"
ip link set "$here" up
ip -n "$ns" addr add "${net}2/24" dev "$there"
ip -n "$ns" link set "$there" up
ip -n "$ns" link set lo up

chmod 755 "$T"
source "$SCRIPTS/sshd.bash"
start_sshd "$T" "${net}2:2222" ip netns exec "$ns" || fail "no sshd"
ssh=("${SSH[@]}")
ok "sshd runs in the other namespace"

mkdir remote

# kill_ssh SENDER: kills the ssh that the spawned bridge SENDER runs now.
kill_ssh() {
    local pid
    pid=$(pgrep -x ssh -P "$(pgrep -P "$1")" || true)
    [ -n "$pid" ] || fail "the bridge runs no ssh to kill"
    kill -KILL "$pid"
}

# links NAME: how many times the bridge of transfer NAME has linked so far.
links() { grep -c ': linked$' "sender.$1" || true; }

# linked NAME N: whether the bridge of transfer NAME has linked N times.
linked() { [ "$(links "$1")" -ge "$2" ]; }

# carry NAME BYTES CUTS: BYTES random bytes from the FIFO src.NAME here to
# remote/NAME there, cut CUTS times. The writer sends them in CUTS + 1
# parts, each after the one before has been cut, so that the transfer is
# still running at every cut however slow or fast the machine; and each
# cut waits until the bridge has linked again after the one before (an
# ssh killed while it still connects never links). LINKS is then how many
# links the cuts asked for.
carry() {
    local name=$1 bytes=$2 cuts=$3 sender reader i want
    head -c "$bytes" /dev/urandom > in
    want=$(sha256sum < in)
    "$F" mk "src.$name" "remote/$name"
    SPAWN_TIMEOUT=600 spawn bash -c "cat remote/$name > got.$name"
    reader=$SPAWNED
    SPAWN_TIMEOUT=600 spawn "$F" bridge -v --once --ssh "${ssh[*]}" --remote-fifo "$F" \
        ${cuts:+--rate-limit 4M} "src.$name" "ssh:root@${net}2:$T/remote/$name" 2> "sender.$name"
    sender=$SPAWNED
    # Part K + 1 goes once the file go.K is there.
    # shellcheck disable=SC2016
    SPAWN_TIMEOUT=600 spawn bash -c '
        exec 3< in > "src.$1"
        for ((k = 0; k < $2; k++)); do
            head -c "$3" <&3
            until [ -e "go.$k" ]; do sleep 0.05; done
        done
        cat <&3' writer "$name" "${cuts:-0}" "$((bytes / (${cuts:-0} + 1)))"
    LINKS=1
    for ((i = 0; i < cuts; i++)); do
        wait_until 120 "link $LINKS of the $name transfer" linked "$name" "$LINKS"
        touch "go.$i"
        sleep 0.7
        if ((i % 2)); then
            ip link set "$here" down
            # Once, the ssh is killed during the outage too: the bridge
            # connects again at once, while the veth's route is gone, and
            # the SYN leaves by the default route (to some host that may
            # accept it and say nothing).
            if ((i == 1)); then
                kill_ssh "$sender"
                LINKS=$((LINKS + 1))
            fi
            sleep 1
            ip link set "$here" up
        else
            kill_ssh "$sender"
            LINKS=$((LINKS + 1))
        fi
    done
    finish "$sender"
    eq 0 "$STATUS" "$name: the sender ends once the remote end has it all ($(tail -n 1 "sender.$name"))"
    finish "$reader"
    eq "$(stat -c %s in)" "$(stat -c %s "got.$name")" "$name: as many bytes arrived as were sent"
    eq "$want" "$(sha256sum < "got.$name")" "$name: sha256 equal"
}

carry plain "${BRIDGE_SSH_BYTES:-67108864}" ""
carry cut "${BRIDGE_SSH_CUT_BYTES:-67108864}" 10
linked cut "$LINKS" || fail "the cut transfer linked $(links cut) time(s), not $LINKS"
ok "the cut transfer linked $(links cut) times over ssh ($LINKS asked for by the cuts)"
