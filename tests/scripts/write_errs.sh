# Write errors on standard output: a full device is status 1 and one line,
# `fifo CMD: standard output: write error: WHY`; a pipe whose reader has gone
# (`| head -c0`) is status 141 and silence. Also for help, version, --list,
# completions and man, and `mk --temp` then leaves nothing behind. No
# message anywhere carries Rust's "(os error N)".
source "$(dirname "$0")/lib.sh"

full="standard output: write error: No space left on device"
mkfifo f

# Each printing command, as "APPLET|ARGS" (APPLET empty for fifo itself).
cases=(
    "|--help"
    "|--version"
    "|--list"
    "|help"
    "mk|mk --help"
    "cat|cat --version"
    "stat|stat --help"
    "completions|completions bash"
    "completions|completions zsh"
    "man|man"
    "stat|stat f"
    "stat|stat -c %F f"
    "cat|cat /etc/hostname"
)
for case in "${cases[@]}"; do
    applet=${case%%|*}
    args=${case#*|}
    prefix="fifo${applet:+ $applet}"
    # shellcheck disable=SC2086 # ARGS are words.
    expect_fail 1 "$prefix: $full" bash -c "'$F' $args > /dev/full"
done

# A reader that has gone, made deterministic: fd 9 is the write end of a
# FIFO whose only reader (fd 8) closed before anything was written, as
# `| head -c0` leaves a pipe once head has exited.
mkfifo gone
exec 8<>gone 9>gone 8<&-
for case in "${cases[@]}"; do
    args=${case#*|}
    run bash -c "'$F' $args >&9"
    eq "141 " "$STATUS $ERR" "fifo $args to a pipe without a reader: 141, quiet"
done

# mk --temp: the path cannot be told, so nothing is left in DIR.
mkdir made
expect_fail 1 "fifo mk: $full" bash -c "'$F' mk --temp --dir made > /dev/full"
eq "" "$(ls made)" "mk --temp > /dev/full leaves nothing in DIR"
run bash -c "'$F' mk --temp --dir made >&9"
eq "141 " "$STATUS $ERR" "mk --temp to a pipe without a reader: 141, quiet"
eq "" "$(ls made)" "mk --temp | head -c0 leaves nothing in DIR"
exec 9>&-
made=$("$F" mk --temp --dir made)
[ -p "$made" ] || fail "mk --temp after the failures made [$made]"
ok "mk --temp still works: $made"

# The plain errno description, never Rust's "(os error N)".
expect_fail 1 "fifo man: '$T/none': cannot open: No such file or directory" "$F" man --dir "$T/none"
if [ "$(id -u)" = 0 ]; then
    run "${AS_NOBODY[@]}" "$F" man --dir /
else
    run "$F" man --dir /
fi
eq "1 fifo man: '/fifo.1': cannot open: Permission denied" "$STATUS $ERR" "man --dir unwritable"
