# With --frame a bridge's sender keeps each message whole in its replay
# buffer, with its 8-byte length: under --replay-buffer 4K a message of
# 4088 bytes arrives whole, and one of 4089 fails both ends with status 1
# and the limit, never a cut message. (The decoder's bookkeeping for the
# message once counted against the buffer too: 4087 bytes were refused.)
source "$(dirname "$0")/lib.sh"

"$F" mk src dst
spawn bash -c "exec '$F' cat --frame -0 dst > got"
reader=$SPAWNED
spawn "$F" bridge --frame unix-listen:sock dst 2> receiver.err
receiver=$SPAWNED
wait_until 20 "the listener" test -S sock
spawn "$F" bridge --frame --replay-buffer 4K src unix:sock 2> sender.err
sender=$SPAWNED
head -c 4088 /dev/zero | tr '\0' a > fits
run "$F" send --frame src < fits
eq 0 "$STATUS" "a message of 4088 bytes is sent"
head -c 4089 /dev/zero | tr '\0' b > over
run "$F" send --frame src < over
eq 0 "$STATUS" "a message of 4089 bytes is sent into the FIFO"
finish "$sender"
eq "1 fifo bridge: 'src': unfinished messages would hold more than 4088 bytes in memory" \
    "$STATUS $(cat sender.err)" "the sender refuses the larger one, naming the limit"
finish "$receiver"
eq "1 fifo bridge: unix-listen:sock: the peer failed: 'src': unfinished messages would hold more than 4088 bytes in memory" \
    "$STATUS $(cat receiver.err)" "the receiver fails too"
finish "$reader"
printf '\0' >> fits
cmp -s fits got || fail "the reader got $(wc -c < got) bytes, not the 4088-byte message whole"
ok "the 4088-byte message arrived whole, and nothing of the larger one"
