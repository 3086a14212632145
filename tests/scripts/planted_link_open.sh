# A symlink that another user planted in a sticky directory must not lead
# root's fifo to a FIFO only root may reach: uid 65534 links shared/ctl to
# root's private FIFO (0600, in a 0700 directory). Root's `fifo redirect
# --write shared/ctl` (and hold, send, cat, tee: all open PATH the same
# way) once followed the link and wrote into the private FIFO, whose
# reader got text meant for the shared one; now it refuses the link with
# one line. fs.protected_symlinks would stop it too, but it is often off
# (as `--create`'s own open already assumes).
# needs: root setpriv
source "$(dirname "$0")/lib.sh"
need_root
need setpriv
[ "$(cat /proc/sys/fs/protected_symlinks 2>/dev/null || echo 0)" = 0 ] ||
    skip "fs.protected_symlinks is on here: the kernel refuses the link itself"

mkdir -m 700 priv
mkfifo -m 600 priv/ctl
mkdir -m 1777 shared
"${AS_NOBODY[@]}" ln -s "$T/priv/ctl" shared/ctl

spawn bash -c "exec cat priv/ctl > got"
reader=$SPAWNED
blocked_in_open "$reader"
run "$F" redirect --fd 1 --write -t 5s shared/ctl -- echo "meant for the shared fifo"
redirected="$STATUS|$ERR"
exec 7<> priv/ctl
exec 7>&-
finish "$reader"
eq "1|fifo redirect: 'shared/ctl': refusing to follow a symlink of uid 65534 in a world-writable sticky directory" \
    "$redirected" "root's redirect refuses uid 65534's symlink"
eq "" "$(cat got)" "root's private FIFO got nothing"
