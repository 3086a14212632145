# fifo mk --help: every example runs, and the FIFO it makes has exactly the
# permissions its description promises (written in it as prw-r-----), under
# any umask. A description without a promise fails: a reader trusts it.
source "$(dirname "$0")/lib.sh"

help=$("$F" mk --help)
# "  # what" then "  command", after the "Examples:" heading.
mapfile -t lines < <(sed -n '/^Examples:$/,$p' <<<"$help" | tail -n +2)
[ "${#lines[@]}" -ge 2 ] || fail "no examples in fifo mk --help"
count=0
for ((i = 0; i + 1 < ${#lines[@]}; i += 2)); do
    what=${lines[i]#  # }
    line=${lines[i + 1]#  }
    [[ "${lines[i]}" == "  # "* ]] || fail "not a description: [${lines[i]}]"
    [[ "$what" =~ (p[r-][w-][x-][r-][w-][x-][r-][w-][x-]) ]] ||
        fail "example [$line] promises no permissions in [$what]"
    promised=${BASH_REMATCH[1]}
    for mask in 000 022 077; do
        dir="$T/ex.$count.$mask"
        mkdir "$dir"
        # The example as a user types it, with its /tmp paths moved into a
        # directory of its own and `fifo` being the binary under test.
        script=${line//\/tmp\//$dir/}
        run env TMPDIR="$dir" F="$F" bash -c "umask $mask; fifo() { \"\$F\" \"\$@\"; }; $script"
        eq 0 "$STATUS" "[$line] under umask $mask runs (stderr: $ERR)"
        made=$(find "$dir" -type p)
        [ "$(wc -l <<<"$made")" = 1 ] && [ -n "$made" ] || fail "[$line] made [$made], not one FIFO"
        eq "$promised" "$(stat -c %A "$made")" "[$line] under umask $mask makes what it says ($what)"
    done
    count=$((count + 1))
done
[ "$count" -ge 2 ] || fail "only $count examples checked"
ok "$count mk examples keep their promises"
