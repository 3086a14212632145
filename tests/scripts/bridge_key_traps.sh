# What --key refuses without waiting: a FIFO nobody writes (it holds no
# key; the bridge must not hang opening it) and a key file others may read
# or change (no secret, as ssh says of such a private key). A key from a
# pipe (bash's <(...)) still works.
# needs: python3
source "$(dirname "$0")/lib.sh"

seq 10 > data
mkfifo -m 600 kf
expect_fail 1 "fifo bridge: 'kf': a key file holds 16 to 4096 bytes, this one 0" \
    "$F" bridge --once --key kf data tcp:127.0.0.1:1

head -c 32 /dev/urandom | base64 > key
chmod 644 key
expect_fail 1 "fifo bridge: 'key': others may read or change the key (mode 0644): chmod go= it" \
    "$F" bridge --once --key key data tcp:127.0.0.1:1
chmod 620 key
expect_fail 1 "fifo bridge: 'key': others may read or change the key (mode 0620): chmod go= it" \
    "$F" bridge --once --key key data tcp:127.0.0.1:1

chmod 600 key
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
spawn "$F" bridge --once --key key data "tcp-listen:$port"
sender=$SPAWNED
run bash -c 'exec "$@" --key <(cat key) "tcp:127.0.0.1:$0" -' "$port" "$F" bridge --once --retry 15s
eq 0 "$STATUS" "a key from a pipe is read (stderr: $ERR)"
eq "$(seq 10)" "$OUT" "the stream came through with a key from a pipe"
finish "$sender"
eq 0 "$STATUS" "the listener ends with its stream"
