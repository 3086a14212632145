# A sending bridge whose source fails (here: a plain writer's bytes in a
# --frame stream) tells its peer so, after the messages read before, and
# never sends end of file: the receiving side reports the failure with one
# line and status 1 rather than taking the cut stream for a whole one.
# Over exec: (as over ssh:) the far side's keeper is the sender, and its
# own standard error is read by nobody: the failure reached no one, and
# both ends said 0, before.
source "$(dirname "$0")/lib.sh"
export TMPDIR=$T

# Each way, the sender reads src.NAME, fed one framed message and then a
# plain line; the receiver writes dst.NAME, read by fifo cat --frame.
"$F" mk src.unix dst.unix src.exec dst.exec
spawn bash -c "'$F' cat --frame -0 dst.unix > got.unix"
reader=$SPAWNED
spawn "$F" bridge --frame unix-listen:sock dst.unix 2> receiver.err
receiver=$SPAWNED
spawn "$F" bridge --frame src.unix unix:sock 2> sender.err
sender=$SPAWNED
run "$F" send --frame src.unix one
eq 0 "$STATUS" "unix: a framed message is sent"
printf 'plain\n' > src.unix
finish "$sender"
eq 1 "$STATUS" "unix: the sender fails on the plain line"
eq "fifo bridge: 'src.unix': not a framed stream at byte 40: no frame header (it must start with bytes 0xff 0x46)" \
    "$(cat sender.err)" "unix: the sender says why"
finish "$receiver"
eq 1 "$STATUS" "unix: the receiver fails too, not 0"
eq "fifo bridge: unix-listen:sock: the peer failed: 'src.unix': not a framed stream at byte 40: no frame header (it must start with bytes 0xff 0x46)" \
    "$(cat receiver.err)" "unix: the receiver says why the sender failed"
finish "$reader"
eq "one@" "$(tr '\0' '@' < got.unix | tr -d '\n')" "unix: the message read before the failure arrived, once"

# The far side sends, from a keeper of its own (as ssh: runs it).
spawn bash -c "'$F' cat --frame -0 dst.exec > got.exec"
reader=$SPAWNED
spawn "$F" bridge --frame "exec:exec '$F' bridge --frame --once '$T/src.exec' stdio:" dst.exec 2> receiver.err
receiver=$SPAWNED
# A writer of our own across both, so that the first one's end is no end
# of file (--once).
exec 3> src.exec
run "$F" send --frame src.exec one
eq 0 "$STATUS" "exec: a framed message is sent"
printf 'plain\n' > src.exec
exec 3>&-
finish "$receiver"
eq 1 "$STATUS" "exec: the receiver fails, not 0"
eq "fifo bridge: exec:exec '$F' bridge --frame --once '$T/src.exec' stdio:: the peer failed: '$T/src.exec': not a framed stream at byte 40: no frame header (it must start with bytes 0xff 0x46)" \
    "$(cat receiver.err)" "exec: the far keeper's failure is said here"
finish "$reader"
eq "one@" "$(tr '\0' '@' < got.exec | tr -d '\n')" "exec: the message read before the failure arrived, once"
