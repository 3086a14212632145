# fifo bridge over a Unix socket and through exec: five writers in turn on
# SRC reach one reader on DST as one stream (SRC is kept open across
# writers); a second stream is refused by a receiver busy with the first;
# --once ends both sides and the reader sees end of file; exec: with a
# local far end; usage errors; --retry running out; --no-wait and -t on
# the local FIFO; a DST that is no FIFO.
source "$(dirname "$0")/lib.sh"

seq 10 > file
"$F" mk src dst
spawn "$F" bridge unix-listen:sock dst 2> receiver.err
receiver=$SPAWNED
spawn bash -c "cat dst > got"
reader=$SPAWNED
spawn "$F" bridge src unix:sock
sender=$SPAWNED
: > want
for i in 1 2 3 4 5; do
    seq $((i * 10000)) $((i * 10000 + 9999)) > "in.$i"
    cat "in.$i" >> want
    timeout 60 bash -c "cat in.$i > src"
done
same_size() { [ "$(stat -c %s got)" = "$(stat -c %s want)" ]; }
wait_until 20 "five writers' data at the reader" same_size
eq "$(sha256sum < want)" "$(sha256sum < got)" "five writers in turn reach one reader as one stream"
kill -0 "$reader" || fail "the reader saw end of file between writers"
ok "no end of file between writers"

# Another sender, with another stream, is refused; the first goes on.
echo intruder > other
expect_fail 1 "unix:sock: the peer is receiving another stream" \
    "$F" bridge --once --retry 5s other unix:sock
eq "fifo bridge: unix-listen:sock: another stream than the one this side is receiving; dropped" \
    "$(cat receiver.err)" "the receiver says it dropped the other stream, once"
echo after > src
wait_until 20 "the line written after the refusal" grep -qx after got
eq after "$(tail -n 1 got)" "the first stream goes on after the refusal"
kill "$sender" "$receiver"

# --once: the first end of file of SRC ends both bridges and the reader.
"$F" mk src2 dst2
spawn "$F" bridge unix-listen:sock2 dst2
receiver=$SPAWNED
spawn bash -c "cat dst2 > got2"
reader=$SPAWNED
spawn "$F" bridge --once src2 unix:sock2
sender=$SPAWNED
seq 100000 > src2
finish "$sender"
eq 0 "$STATUS" "--once: the sender ends with SRC's end of file"
finish "$receiver"
eq 0 "$STATUS" "--once: the receiver ends with the sender's end of file"
finish "$reader"
eq "$(seq 100000 | sha256sum)" "$(sha256sum < got2)" "--once: the reader got it all, then end of file"
[ ! -e sock2 ] || fail "the listener left its socket behind"
ok "the listener removes its socket"

# A listener killed with SIGKILL leaves its socket; the next one on the
# same path replaces it (a socket of this user nobody listens on).
spawn "$F" bridge unix-listen:sock2 dst2
receiver=$SPAWNED
spawn bash -c "cat dst2 > got2"
wait_until 20 "the listener's socket" test -S sock2
kill -KILL "$(fifo_pid "$receiver")"
# Gone for sure before the next one starts: a listener still alive would be
# rightly refused (its socket in use).
finish "$receiver"
[ -S sock2 ] || fail "SIGKILL left no socket to test with"
spawn "$F" bridge unix-listen:sock2 dst2
receiver=$SPAWNED
spawn bash -c "cat dst2 > got2"
run "$F" bridge --once file unix:sock2
eq 0 "$STATUS" "a listener takes over the socket a killed one left"
finish "$receiver"
eq 0 "$STATUS" "the new listener ends with its stream"
eq "$(seq 10)" "$(cat got2)" "the new listener wrote the stream"

# SIGTERM and SIGINT end a listener with 143 and 130, its socket removed.
for signal in TERM:143 INT:130; do
    spawn "$F" bridge unix-listen:sock3 dst2
    receiver=$SPAWNED
    spawn bash -c "cat dst2 > /dev/null"
    wait_until 20 "the listener's socket" test -S sock3
    kill "-${signal%:*}" "$(fifo_pid "$receiver")"
    finish "$receiver"
    eq "${signal#*:}" "$STATUS" "SIG${signal%:*} ends the listener with ${signal#*:}"
    [ ! -e sock3 ] || fail "SIG${signal%:*} left the socket behind"
    ok "SIG${signal%:*}: the socket is removed"
done

# exec: the far end is a local fifo bridge on stdio.
"$F" mk src3 dst3
spawn bash -c "cat dst3 > got3"
reader=$SPAWNED
spawn "$F" bridge --once src3 "exec:'$F' bridge stdio: dst3"
sender=$SPAWNED
seq 50000 > src3
finish "$sender"
eq 0 "$STATUS" "exec: the sender ends once the far end has it all"
finish "$reader"
eq "$(seq 50000 | sha256sum)" "$(sha256sum < got3)" "exec: the far end wrote it all"

# A far end that cannot start says why, once; the near end does not retry.
expect_fail 1 "refused by the peer: 'missing': cannot open: No such file or directory" \
    "$F" bridge --once file "exec:'$F' bridge stdio: missing"

# Usage: exactly one local side; an open tcp-listen needs a key.
expect_fail 2 "one of SRC and DST must be local data" "$F" bridge tcp:h:1 unix:b
expect_fail 2 "one of SRC and DST must be a transport" "$F" bridge a b
expect_fail 2 "tcp-listen on 0.0.0.0 (not loopback) needs --key FILE" \
    "$F" bridge src tcp-listen:0.0.0.0:7000
# An ssh: host that starts with '-' would be an option to ssh
# (-oProxyCommand=... runs a command): refused before ssh runs.
mkdir fake
printf '#!/bin/sh\necho "$@" > "%s/fake/ran"\n' "$T" > fake/ssh
chmod +x fake/ssh
expect_fail 2 "'ssh:-oProxyCommand=touch pwned:/f': a host cannot start with '-'" \
    "$F" bridge --ssh "$T/fake/ssh" file "ssh:-oProxyCommand=touch pwned:/f"
[ ! -e fake/ran ] || fail "ssh ran with: $(cat fake/ran)"
ok "ssh was not run"
# Nobody to connect to: --retry runs out.
expect_fail 124 "unix:nowhere: no connection for 1s, giving up" \
    "$F" bridge --retry 1s file unix:nowhere
# With -v each failed try says why in the system's words, without Rust's
# "(os error N)", as every other message does.
run "$F" bridge -v --retry 1s file unix:nowhere
eq 124 "$STATUS" "-v: --retry runs out"
eq "fifo bridge: unix:nowhere: cannot connect: No such file or directory" \
    "$(printf '%s\n' "$ERR" | head -n 1)" "-v: a failed try, as every message reads"
# The local FIFO is waited for as cat and send wait for it.
"$F" mk lonely
# Whether a FIFO has a writer is seen in /proc.
if linux_only "bridge --no-wait on a FIFO SRC looks for its writers in /proc"; then
    expect_fail 3 "'lonely': no writer" "$F" bridge --no-wait lonely unix:nowhere
fi
expect_fail 3 "'lonely': no reader" "$F" bridge --no-wait unix-listen:sock5 lonely
expect_fail 124 "'lonely': timed out after 1s waiting for a writer" "$F" bridge -t 1s lonely unix:nowhere
# DST must be a FIFO.
expect_fail 1 "'file': not a fifo (it is a regular file)" "$F" bridge unix-listen:sock4 file
