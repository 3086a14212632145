# --buffer-file in a world-writable sticky directory (like /tmp): a symlink
# another user planted at PATH, pointing at root's file, and another user's
# own file at PATH, are refused with a clear message and left alone: never
# followed, truncated or written. The root-only half of buffer_file.sh.
# needs: root setpriv
source "$(dirname "$0")/lib.sh"
need_root

mkdir -m 1777 shared
echo "root's secret" > secret
chmod 600 secret
"${AS_NOBODY[@]}" ln -s "$T/secret" shared/spill
"${AS_NOBODY[@]}" bash -c 'echo theirs > shared/theirs'
head -c 3000000 /dev/urandom > data

expect_fail 1 "fifo cat: 'shared/spill': cannot create buffer file: File exists" "$F" cat --buffer 64K --buffer-file shared/spill data
expect_fail 1 "fifo cat: 'shared/theirs': cannot create buffer file: File exists" "$F" cat --buffer 64K --buffer-file shared/theirs data
"$F" mk p
expect_fail 1 "fifo send: 'shared/spill': cannot create buffer file: File exists" "$F" send --buffer 64K --buffer-file shared/spill p
eq "root's secret" "$(cat secret)" "the planted symlink's target is untouched"
eq "theirs" "$(cat shared/theirs)" "the other user's file is untouched"
eq "65534" "$(stat -c %u shared/theirs)" "the other user's file is still theirs"

# A new name there works, and is gone at once.
eq "$(sha256sum < data)" "$("$F" cat --buffer 64K --buffer-file shared/mine data | sha256sum)" "a new name in the sticky directory works"
[ ! -e shared/mine ] || fail "shared/mine is left behind"
ok "the new name was unlinked"

# Nor through uid 65534's link on the way to a directory of root's: the
# spill file would be made where the link's owner chose.
mkdir -m 700 private
"${AS_NOBODY[@]}" ln -s "$T/private" shared/dir
expect_fail 1 "fifo cat: 'shared/dir/spill': cannot create buffer file: Permission denied" \
    "$F" cat --buffer 64K --buffer-file shared/dir/spill data
eq "" "$(ls -A private)" "nothing was made behind the link"
