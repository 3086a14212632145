# --create under very few file descriptors (ulimit -n 4 to 14): a command
# that made its FIFO and then could not go on (out of descriptors) leaves
# nothing behind, with --rm and, when it fails, without. Under ulimit -n 4
# `fifo hold --create --rm q` (6 for serve) made q, could not keep a second
# descriptor of its directory to remove it with, and said only "'q':
# cannot open: Too many open files", leaving q. The FIFO is made in the
# working directory: the descriptors a path takes differ with its parent.
source "$(dirname "$0")/lib.sh"

export TMPDIR=$T/tmp
mkdir "$TMPDIR" d
for n in 4 5 6 7 8 9 10 11 12 13 14; do
    for cmd in "hold --create --rm --idle 1ms q" "hold --create --idle 1ms q" \
        "serve --create --rm --idle 1ms q -- cat"; do
        # shellcheck disable=SC2086
        run bash -c "cd d && ulimit -n $n && exec '$F' $cmd" < /dev/null
        case "$STATUS" in
        0) [[ $cmd == *--rm* ]] || [ "$(ls -A d)" = q ] || fail "ulimit -n $n: $cmd made no q" ;;
        1) [ "$(wc -l <<< "$ERR")" = 1 ] || fail "ulimit -n $n: $cmd: not one line: [$ERR]" ;;
        *) fail "ulimit -n $n: $cmd ended $STATUS ($ERR)" ;;
        esac
        if [ "$STATUS" = 1 ] || [[ $cmd == *--rm* ]]; then
            [ -z "$(ls -A d)" ] || fail "ulimit -n $n: $cmd (status $STATUS: $ERR) left $(ls -A d)"
        fi
        rm -f d/q
    done
    ok "ulimit -n $n: nothing made is left behind"
done
