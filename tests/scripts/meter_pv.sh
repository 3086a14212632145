# pv's options on the progress meter, beside the real pv: --size (pv -s)
# gives stdin a percentage, --numeric (pv -n) one number a line for dialog
# --gauge (the percentage, or with no size the bytes or lines so far, as
# pv -n -b and pv -n -l -b), --name (pv -N) names the meter, --line-mode
# (pv -l) counts lines; a narrow terminal drops the bar before any field,
# as pv does. Plain lines come at most once a second, as pv writes them.
# needs: pv tmux
# slow
source "$(dirname "$0")/lib.sh"

seq 3000 > lines
bytes=$(wc -c < lines)
# slowly: the lines in three parts, a second apart, through a pipe (no size
# fifo or pv could know).
slowly() { head -n 1000 lines; sleep 1; sed -n '1001,2000p' lines; sleep 1; tail -n 1000 lines; }
# numbers FILE: checks that FILE holds only whole numbers, never going
# down, and prints the last.
numbers() {
    grep -qvx '[0-9]\+' "$1" && fail "not one number a line: $(cat "$1")"
    sort -n -c "$1" 2> /dev/null || fail "the numbers go down: $(cat "$1")"
    tail -n 1 "$1"
}
check() {
    local what=$1
    shift
    slowly | pv "$@" > /dev/null 2> pv.err
    eq "$(numbers pv.err)" "$(numbers fifo.err)" "$what: the last number is pv's"
}

slowly | "$F" cat --numeric --size "$bytes" > out 2> fifo.err
eq "$(cksum < lines)" "$(cksum < out)" "cat --numeric copies every byte"
check "--numeric --size $bytes (pv -n -s)" -n -s "$bytes"
slowly | "$F" cat --numeric > /dev/null 2> fifo.err
check "--numeric without a size: bytes so far (pv -n -b)" -n -b
slowly | "$F" tee --numeric --line-mode > out 2> fifo.err
eq "$(cksum < lines)" "$(cksum < out)" "tee --numeric --line-mode copies every byte"
check "--numeric --line-mode: lines so far (pv -n -l -b)" -n -l -b
# at_most_one_a_second COUNT START: COUNT lines since second START are at
# most one a second, plus the first and the last.
at_most_one_a_second() { [ "$1" -le $((SECONDS - $2 + 3)) ]; }
start=$SECONDS
slowly | "$F" cat --numeric --line-mode --size 3000 > /dev/null 2> fifo.err
at_most_one_a_second "$(wc -l < fifo.err)" "$start" || fail "more than one number a second: $(cat fifo.err)"
ok "numbers come at most once a second"
check "--numeric --line-mode --size 3000 (pv -n -l -s 3000)" -n -l -s 3000

# --name, and a meter counted in lines, in a log.
start=$SECONDS
slowly | "$F" cat --line-mode --progress=always --name logs > /dev/null 2> fifo.err
at_most_one_a_second "$(grep -c '^logs:' fifo.err)" "$start" || fail "more than one line a second into a log: $(cat fifo.err)"
ok "--progress=always writes at most one line a second"
slowly | pv -f -l -N logs > /dev/null 2> pv.err
grep -q 'logs:' pv.err || fail "pv -N does not name its meter: $(cat pv.err)"
grep -Eqx 'logs: [0-9]+ lines [0-9]+ lines/s [0-9]+s' fifo.err || fail "no named line meter: $(cat fifo.err)"
grep -Eqx 'fifo cat: logs: 3000 lines in [0-9.]+s \([0-9]+ lines/s\)' fifo.err || fail "no named summary: $(cat fifo.err)"
ok "--name NAME and --line-mode: 'logs: N lines R lines/s', summary 'fifo cat: logs: 3000 lines in ...'"
expect_fail 2 "invalid size '0'" "$F" cat --size 0
expect_fail 2 "cannot be used with" "$F" send --numeric p hello

# A 40-column terminal: pv drops its bar and keeps its numbers; so does fifo.
head -c 400000 /dev/zero > zeros
trap 'for sock in "$T"/tmux.*; do tmux -S "$sock" kill-server 2>/dev/null || true; done; cleanup' EXIT
# shown WIDTH CMD: the first row CMD draws (its input a second at a time)
# in a WIDTH-column tmux window, once it shows a rate.
QUERY=0
shown() {
    # A server of its own each time: one just killed may still be leaving.
    QUERY=$((QUERY + 1))
    SOCK="$T/tmux.$QUERY"
    # SHELL: tmux runs the command with it (nobody's login shell is nologin).
    SHELL=/bin/sh tmux -S "$SOCK" new-session -d -x "$1" -y 10 \
        "(for i in 1 2 3 4; do head -c 100000 zeros; sleep 1; done) | $2 > /dev/null; sleep 30"
    drawn() { tmux -S "$SOCK" capture-pane -p | grep -q 'B/s\|ETA'; }
    wait_until 10 "a meter in $1 columns" drawn
    ROW=$(tmux -S "$SOCK" capture-pane -p | grep 'B/s\|ETA' | head -n 1)
    tmux -S "$SOCK" kill-server
}
shown 40 "pv -s 400000"
[[ "$ROW" != *"[="* && "$ROW" != *"=>"* ]] || fail "pv keeps its bar in 40 columns: $ROW"
shown 40 "'$F' cat --size 400000"
[[ "$ROW" != *█* && "$ROW" != *░* ]] || fail "fifo keeps its bar in 40 columns: $ROW"
[[ "$ROW" =~ ^fifo\ cat:\ +[0-9]+%\ [0-9.]+\ [KM]?i?B\ ETA ]] || fail "fifo's 40-column row: $ROW"
[ "${#ROW}" -lt 40 ] || fail "fifo's row does not fit 40 columns: $ROW"
ok "40 columns: no bar, the percentage, bytes and ETA: $ROW"
shown 120 "'$F' cat --size 400000"
[[ "$ROW" == *█* || "$ROW" == *░* ]] || fail "no bar in 120 columns: $ROW"
ok "120 columns: the bar beside every field"
