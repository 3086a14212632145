# fifo mk --temp --dir DIR, run by root with a DIR that another user
# (uid 65534) owns: the printed path is only as private as DIR. Its owner
# may rename the new 0700 directory once the path is printed and put a
# directory of their own, with a FIFO they read, under the same name; root's
# next `fifo send "$path"` then hands its data to them. So mk --temp refuses
# a DIR that another user (not root) owns, in one line, as `man --dir` does.
# needs: root
source "$(dirname "$0")/lib.sh"
need_root

mkdir drop
chown 65534:65534 drop
expect_fail 1 "fifo mk: 'drop': refusing to write into a directory of uid 65534" \
    "$F" mk --temp --dir drop
