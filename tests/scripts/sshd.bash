# Sourced by bridge_ssh.sh and bench/bridge.sh: an sshd of their own.
#
# start_sshd DIR ADDR:PORT [PREFIX...]: makes host and user keys in DIR,
# starts sshd (Debian's openssh-server) listening on ADDR:PORT, run under
# PREFIX (e.g. `ip netns exec NS`), and waits until it lets the user key
# in. Sets SSH, the ssh command (an array; add the host) and SSHD_PID.
# Needs root: sshd runs as root and the user is root.
start_sshd() {
    local dir=$1 listen=$2 i
    shift 2
    ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$dir/user_key"
    cp "$dir/user_key.pub" "$dir/authorized_keys"
    mkdir -p /run/sshd
    cat > "$dir/sshd_config" <<CONF
ListenAddress $listen
HostKey $dir/host_key
AuthorizedKeysFile $dir/authorized_keys
PidFile $dir/sshd.pid
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
LogLevel ERROR
CONF
    "$@" /usr/sbin/sshd -f "$dir/sshd_config"
    SSH=(ssh -i "$dir/user_key" -p "${listen##*:}" -o BatchMode=yes -o StrictHostKeyChecking=no
        -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR)
    for ((i = 0; i < 500; i++)); do
        if "${SSH[@]}" "root@${listen%:*}" true 2> /dev/null; then
            SSHD_PID=$(cat "$dir/sshd.pid")
            return 0
        fi
        sleep 0.04
    done
    echo "sshd on $listen did not let the key in" >&2
    return 1
}
