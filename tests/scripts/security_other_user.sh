# --create and --rm in a world-writable sticky directory (like /tmp) never
# use what another user planted there: symlinks to root's files, or a FIFO
# of theirs waiting to read.
# needs: root setpriv
source "$(dirname "$0")/lib.sh"
need_root

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
