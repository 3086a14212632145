# fifo stat as an unprivileged user, of a FIFO another user's process
# holds: the counts are lower bounds (0+), never a plain 0, and the human
# output says how many processes it could not inspect.
# needs: root setpriv linux
source "$(dirname "$0")/lib.sh"
need_root

# An unprivileged user cannot see root's descriptors: unknown, not zero.
"$F" mk -m 644 seen
spawn bash -c 'exec 7<>seen; exec sleep 30'
holder=$SPAWNED
# one_reader: root's fifo stat counts the holder.
one_reader() { local n; n=$("$F" stat -c %{readers} seen); [ "${n%+}" = 1 ]; }
wait_until 10 "the holder to show in fifo stat" one_reader
eq "0+ 0+" "$("${AS_NOBODY[@]}" "$F" stat -c '%{readers} %{writers}' seen)" "unprivileged: root's holder is not seen; the counts are lower bounds"
run "${AS_NOBODY[@]}" "$F" stat seen
[[ "$OUT" =~ "Holder: unknown in "[0-9]+" processes this user may not inspect (counts are lower bounds)" ]] || fail "unprivileged human output: $OUT"
ok "unprivileged human output says what it could not inspect"
kill "$holder"
