# --progress on cat, send and tee: drawn on a terminal (run under script(1),
# which gives the command a pty), silent when stderr is not a terminal,
# plain lines with --progress=always, and a summary line at the end.
# needs: script
source "$(dirname "$0")/lib.sh"
need script

head -c 100000000 /dev/urandom > big
"$F" mk p

# on_pty CMD: runs the shell command CMD on a pseudo-terminal; prints what
# the terminal received as lines: carriage returns become newlines, and
# cursor-control sequences are dropped. TERM names a real terminal: with
# none set (as under CI or env -i), no bar is drawn.
on_pty() {
    TERM=xterm timeout 20 script -qfec "$1" /dev/null < /dev/null | tr '\r' '\n' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'
}

# send from a regular file: the total is known, so percentage and ETA.
spawn bash -c "'$F' cat p | sha256sum > sum"
screen=$(on_pty "'$F' send --progress p < big")
finish "$SPAWNED"
eq "$(sha256sum < big)" "$(cat sum)" "send --progress still delivers every byte"
grep -q "% .*/95.37 MiB .*ETA" <<<"$screen" || fail "no percentage/ETA on the terminal: $(tail -c 300 <<<"$screen")"
grep -Eq "^fifo send: 95.37 MiB in [0-9.]+s \(.*/s\)" <<<"$screen" || fail "no summary line: $(tail -c 300 <<<"$screen")"
ok "send --progress on a terminal: bar with percentage and ETA, then a summary"

# cat from a FIFO: the total is unknown, so bytes, rate and elapsed only.
spawn bash -c "'$F' send p < big"
screen=$(on_pty "'$F' cat --progress p > /dev/null")
finish "$SPAWNED"
grep -Eq "^fifo cat: 95.37 MiB in [0-9.]+s" <<<"$screen" || fail "cat summary: $(tail -c 300 <<<"$screen")"
grep -q "%" <<<"$screen" && fail "cat of a FIFO showed a percentage it cannot know"
ok "cat --progress on a terminal: no percentage for an unknown size, a summary"

# tee to a FIFO.
spawn bash -c "cat p > /dev/null"
screen=$(on_pty "'$F' tee --progress p < big > /dev/null")
finish "$SPAWNED"
grep -Eq "^fifo tee: 95.37 MiB in [0-9.]+s" <<<"$screen" || fail "tee summary: $(tail -c 300 <<<"$screen")"
ok "tee --progress on a terminal"

# cat --buffer: the meter also shows the buffer's fill level. The reader
# starts a second late, so the meter is drawn while the buffer holds data.
screen=$(on_pty "'$F' cat --buffer 8M --progress < big | (sleep 1; cat > /dev/null)")
grep -Eq "^fifo cat: .* buf [0-9]+% [0-9.]+ [KM]iB" <<<"$screen" || fail "no fill level: $(tail -c 300 <<<"$screen")"
grep -Eq "^fifo cat: 95.37 MiB in [0-9.]+s" <<<"$screen" || fail "cat --buffer summary: $(tail -c 300 <<<"$screen")"
ok "cat --buffer --progress on a terminal shows the fill level"

# Not a terminal: --progress draws nothing; =always writes plain lines.
spawn bash -c "cat p > /dev/null"
timeout 20 "$F" send --progress p < big 2> err.txt
finish "$SPAWNED"
eq "" "$(cat err.txt)" "--progress is silent when stderr is not a terminal"
spawn bash -c "cat p > /dev/null"
timeout 20 "$F" send --progress=always p < big 2> err.txt
finish "$SPAWNED"
grep -Eq "^fifo send: 95.37 MiB in [0-9.]+s" err.txt || fail "--progress=always: $(cat err.txt)"
[ "$(grep -c $'\e' err.txt)" = 0 ] || fail "--progress=always wrote terminal escapes to a file"
ok "--progress=always writes plain lines and a summary to a file"
