# Classic FIFO flows (a ping client and server, exec 42>, a byte reader), with fifo on one end and the usual kind of
# peer on the other: bash exec 42>/42<, the python ping server and client,
# and the python byte reader. (The Go peers are in go_peers.sh.)
source "$(dirname "$0")/lib.sh"
MESSAGE_B64=bWVzc2FnZSBmcm9tIHRoZSBwcm9jZXNzIEEK

# Process A: exec 42> fifo; echo 'message from the process A' >&42.
mkdir fd
"$F" mk fd/42
spawn bash -c "'$F' cat fd/42 | base64 > got"
reader=$SPAWNED
timeout 20 bash -c "exec 42> fd/42; echo 'message from the process A' >&42; exec 42>&-"
finish "$reader"
eq "$MESSAGE_B64" "$(cat got)" "exec 42> with fifo cat | base64 on the other end"

# Process B: exec 42< fifo; base64 <&42, with fifo send writing.
spawn "$F" send fd/42 'message from the process A'
writer=$SPAWNED
eq "$MESSAGE_B64" "$(timeout 20 bash -c 'exec 42< fd/42; base64 <&42; exec 42<&-')" "exec 42< and base64 <&42 with fifo send writing"
finish "$writer"
eq 0 "$STATUS" "fifo send exits 0"

# bash exec N<> holds both ends: fifo send never waits, cat reads later.
"$F" mk rw
exec 7<>rw
timeout 20 "$F" send --no-wait rw held
eq held "$(timeout 20 head -n 1 <&7)" "exec 7<> lets send --no-wait deliver"
exec 7>&-

# The classic ping server: python makes /tmp-style FIFO with
# os.mkfifo and reads 4 bytes at a time until "end"; fifo send is the client.
cat > server.py <<'PY'
import os
pipe_path = "ping"
os.mkfifo(pipe_path)
fd = os.open(pipe_path, os.O_RDONLY)
data = os.read(fd, 4).decode()
while data != "end":
    print(f"Server: Received {data}")
    data = os.read(fd, 4).decode()
os.close(fd)
os.unlink(pipe_path)
PY
spawn bash -c "python3 server.py > served"
server=$SPAWNED
wait_until 10 "ping to exist as a FIFO" test -p ping
timeout 20 "$F" send -n ping "$(printf 'ping%.0s' $(seq 100))end"
finish "$server"
eq "0 100" "$STATUS $(grep -c '^Server: Received ping$' served)" "python ping server got 100 pings from fifo send"
[ ! -e ping ] || fail "the server did not unlink its FIFO"

# The classic python reader: os.mkfifo(path, 0o600), then one byte at a time.
cat > reader.py <<'PY'
import os
path = "./fifo"
try:
    os.mkfifo(path, 0o600)
except FileExistsError:
    print("file already exists")
with open("./fifo", "rb") as f:
    while 1:
        byte = f.read(1)
        if not byte:
            break
        print("read : {}".format(ord(byte)))
PY
spawn bash -c "python3 reader.py > bytes"
reader=$SPAWNED
wait_until 10 "fifo to exist as a FIFO" test -p fifo
eq "prw-------" "$("$F" stat -c %A fifo)" "the python reader's FIFO is prw-------"
printf '\x00\x01\x02\xff' | timeout 20 "$F" send fifo
finish "$reader"
eq "read : 0
read : 1
read : 2
read : 255" "$(cat bytes)" "the python byte reader got what fifo send wrote"
