# fifo stat under a low `ulimit -n`: it runs out of descriptors looking at
# /proc, and what it could not look at is unknown, never "holds nothing".
# This shell holds the FIFO open both ways, so a count given as exact must
# be at least 1; a lower bound (N+) or `?` is honest. (It used to say
# `0 0`, exactly, as if every process it could not open had just ended.)
# needs: linux   # holders and counts come from /proc
source "$(dirname "$0")/lib.sh"

"$F" mk f
exec 7<> f
for limit in 4 5 6 7 8; do
    run bash -c 'ulimit -n "$1" && exec "$0" stat -c "%{readers} %{writers}" f' "$F" "$limit"
    eq 0 "$STATUS" "ulimit -n $limit: status"
    for count in $OUT; do
        case $count in
            *+ | "?") ok "ulimit -n $limit: $count is not claimed exact" ;;
            *) [ "$count" -ge 1 ] || fail "ulimit -n $limit: an exact count of $count, while this shell holds it" ;;
        esac
    done
done
exec 7<&-
