# bridge_ssh.sh with the issue's figure: 1 GiB from a FIFO here to
# ssh:HOST:FIFO between two network namespaces, sha256 equal (then the cut
# transfer as there). Two minutes on a busy 2-core machine: run with the soak.
# needs: root ip sshd ssh ssh-keygen
# heavy
BRIDGE_SSH_BYTES=1073741824 exec bash "$(dirname "$0")/bridge_ssh.sh"
