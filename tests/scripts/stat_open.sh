# fifo stat sees processes blocked in open(2) on a FIFO, waiting for the
# other end, as readers or writers in the state "opening": counted in
# %{readers}/%{writers}/%{opening}, listed as holders (default output,
# %{holders}, --json), and enough for --wait-reader/--wait-writer. Looking
# never completes their open: each is still blocked afterwards, and its
# real peer still meets it and the data arrives.
source "$(dirname "$0")/lib.sh"

# check_opening ROOT FIFO ACCESS WHAT: the peer below ROOT is blocked opening
# FIFO for ACCESS (read or write), and stat reports it so.
check_opening() {
    local root=$1 fifo=$2 access=$3 what=$4 counts holders pid want wait
    blocked_in_open "$root"
    case $access in
        read) want="1 0 1" wait=--wait-reader ;;
        write) want="0 1 1" wait=--wait-writer ;;
    esac
    run "$F" stat "$wait" -t 5s "$fifo"
    eq 0 "$STATUS" "$what: stat $wait returns 0 at once"
    # Counts may be lower bounds (N+) where some process cannot be inspected.
    counts=$("$F" stat -c '%{readers} %{writers} %{opening}' "$fifo")
    eq "$want" "${counts//+/}" "$what: counted as $access and opening"
    holders=$("$F" stat -c '%{holders}' "$fifo")
    pid=${holders%%:*}
    eq "$pid:-:$access:opening" "$holders" "$what: %{holders} lists it with no descriptor"
    descendants "$root" | grep -qx "$pid" || fail "$what: holder $pid is not the peer (${root})"
    run "$F" stat "$fifo"
    [[ "$OUT" == *"Holder: pid $pid ("*") $access (opening: blocked in open)"* ]] ||
        fail "$what: default output lacks the opening holder: $OUT"
    ok "$what: the default output names it, opening"
    "$F" stat --json "$fifo" > opening.json
    python3 - "$pid" "$access" <<'PY' || fail "$what: --json"
import json, sys
pid, access = int(sys.argv[1]), sys.argv[2]
row = json.loads(open("opening.json").read())
pipe = row["pipe"]
assert pipe["opening"] == 1, pipe
assert [(h["pid"], h["fd"], h["access"], h["state"]) for h in pipe["holders"]] == [
    (pid, None, access, "opening")], pipe
assert isinstance(pipe["holders"][0]["thread"], int), pipe
PY
    ok "$what: --json lists it with state opening"
    blocked_in_open "$root"
    ok "$what: still blocked in open after being looked at"
}

# Readers blocked in open: fifo cat, coreutils cat, a shell redirection.
"$F" mk j1
spawn "$F" cat j1 > got1
check_opening "$SPAWNED" j1 read "fifo cat j1"
reader=$SPAWNED
"$F" send -t 5s j1 payload-one
finish "$reader"
eq "0 payload-one" "$STATUS $(cat got1)" "fifo cat j1: its writer met it and the data arrived"

"$F" mk j2
spawn cat j2 > got2
check_opening "$SPAWNED" j2 read "coreutils cat j2"
reader=$SPAWNED
"$F" send -t 5s j2 payload-two
finish "$reader"
eq "0 payload-two" "$STATUS $(cat got2)" "coreutils cat j2: the data arrived"

"$F" mk j3
spawn bash -c 'grep x < j3' > got3
check_opening "$SPAWNED" j3 read "bash grep x < j3"
reader=$SPAWNED
printf 'no\nxyz\n' | "$F" send -t 5s j3
finish "$reader"
eq "0 xyz" "$STATUS $(cat got3)" "grep x < j3: the data arrived"

# Writers blocked in open: python3 os.open, a shell redirection, and fifo
# tee, which opens its outputs on worker threads.
"$F" mk j4
spawn python3 -c 'import os; fd = os.open("j4", os.O_WRONLY); os.write(fd, b"from-python\n")'
check_opening "$SPAWNED" j4 write "python3 os.open(j4, O_WRONLY)"
writer=$SPAWNED
eq from-python "$(timeout 20 cat j4)" "python3: its reader met it and the data arrived"
finish "$writer"

"$F" mk j5
spawn sh -c 'echo from-sh > j5'
check_opening "$SPAWNED" j5 write "sh -c 'echo x > j5'"
writer=$SPAWNED
eq from-sh "$(timeout 20 cat j5)" "sh: the data arrived"
finish "$writer"

"$F" mk j6
spawn bash -c "printf from-tee | '$F' tee j6 > /dev/null"
check_opening "$SPAWNED" j6 write "fifo tee j6 (opening on a worker thread)"
writer=$SPAWNED
eq from-tee "$(timeout 20 cat j6)" "fifo tee: the data arrived"
finish "$writer"
