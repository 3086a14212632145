# The --progress meter fits its terminal: in a 60-column tmux window it is
# one row (the bar dropped first, then fields, as pv does, never wrapped
# onto a second row), and
# --progress=always into a log writes plain lines without bar glyphs.
# needs: python3 tmux
source "$(dirname "$0")/lib.sh"
need python3

head -c 20000000 /dev/urandom > big

# reader FIFO: a reader that opens FIFO at once (so send starts and blocks
# once the pipe is full) and drains it only once the file "go" exists.
reader() {
    spawn python3 -c '
import os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
for _ in range(2000):
    if os.path.exists("go"):
        break
    time.sleep(0.01)
while os.read(fd, 1 << 16):
    pass' "$1"
}

# A log: plain lines, no bar.
"$F" mk p1
rm -f go
reader p1
spawn bash -c "'$F' send --progress=always p1 < big 2> log"
sender=$SPAWNED
progress_line() { grep -q '%' log; }
wait_until 10 "a progress line in the log" progress_line
touch go
finish "$sender"
eq 0 "$STATUS" "send --progress=always delivers with a stalled reader"
grep -Eq '^fifo send: +[0-9]+% [0-9.]+ [KMG]?i?B/19.07 MiB .*ETA' log || fail "no plain progress line: $(cat log)"
grep -q '[█░▏▎▍▌▋▊▉#=>-]\{3\}' log && fail "the log has bar glyphs: $(cat log)"
grep -Eq '^fifo send: 19.07 MiB in [0-9.]+s' log || fail "no summary in the log: $(cat log)"
ok "--progress=always into a file: plain lines with percentage and ETA, no bar glyphs"

# A 60-column terminal: one row.
need tmux
"$F" mk p2
rm -f go
reader p2
SOCK="$T/tmux.sock"
# SHELL: tmux runs the command with it (nobody's login shell is nologin).
SHELL=/bin/sh tmux -S "$SOCK" new-session -d -x 60 -y 20 "'$F' send --progress p2 < big; sleep 30"
PIDS+=("$(tmux -S "$SOCK" display-message -p '#{pid}')")
trap 'tmux -S "$SOCK" kill-server 2>/dev/null || true; cleanup' EXIT
screen() { tmux -S "$SOCK" capture-pane -p; }
meter_shown() { screen | grep -q 'ETA'; }
wait_until 10 "the meter in the 60-column window" meter_shown
shown=$(screen)
touch go
eq 1 "$(grep -c . <<<"$shown")" "the meter takes one row of a 60-column terminal"
grep -Eq '^fifo send: +[0-9]+% [0-9.]+ [KMG]?i?B.*ETA' <<<"$shown" || fail "the meter row: $shown"
[[ "$shown" == *█* || "$shown" == *░* ]] && fail "a bar in 60 columns, where pv drops it first: $shown"
ok "the row holds the percentage, the bytes and the ETA; the bar is dropped first, as pv drops it"
done_screen() { screen | grep -q '^fifo send: 19.07 MiB in'; }
wait_until 20 "the summary line" done_screen
