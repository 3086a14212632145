# fifo stat -c / --printf: every GNU stat directive fifo supports prints
# exactly what GNU stat prints, compared one directive at a time for a FIFO,
# a regular file, an empty file, a directory, a symlink and a device, in
# time zones west and east of UTC (one with a half-hour offset); names are
# raw bytes; pipe state lives under %{...}; unknown directives are usage
# errors naming the directive.
# needs: linux
source "$(dirname "$0")/lib.sh"

stat --version | grep -q 'GNU coreutils' || skip "GNU stat is not installed"
mkfifo fifo
printf 'some text\n' > file
: > empty
mkdir dir
ln -s fifo link
printf x > $'bad\xffname'

# Names are bytes: %n and %N print them as GNU does, not mangled.
name=$'bad\xffname'
eq "$(printf '%s\n' "$name" | od -An -tx1)" "$("$F" stat -c '%n' "$name" | od -An -tx1)" \
   "%n prints a name that is not UTF-8 as its raw bytes"

directives=(n a A b B d D f F g G h i m o r R s t T u U w W x X y Y z Z)
format=$(printf '%%%s\n' "${directives[@]}")
for zone in America/New_York Asia/Kolkata UTC; do
    [ -e "/usr/share/zoneinfo/$zone" ] || skip "tzdata lacks $zone"
    for path in fifo file empty dir link /dev/null; do
        # Every directive in one format, a line each: the same comparison,
        # directive by directive, from a few processes instead of sixty.
        # %N alone: reading a link's target can change its access time (%x)
        # between the two programs.
        want=$(TZ=$zone stat -c "$format" "$path")
        got=$(TZ=$zone "$F" stat -c "$format" "$path")
        mapfile -t wants <<< "$want"
        mapfile -t gots <<< "$got"
        [ "${#wants[@]} ${#gots[@]}" = "${#directives[@]} ${#directives[@]}" ] ||
            fail "TZ=$zone $path: not a line per directive: GNU [$want], fifo [$got]"
        for i in "${!directives[@]}"; do
            [ "${wants[i]}" == "${gots[i]}" ] ||
                fail "TZ=$zone %${directives[i]} of $path: GNU [${wants[i]}], fifo [${gots[i]}]"
        done
        want=$(TZ=$zone stat -c %N "$path")
        got=$(TZ=$zone "$F" stat -c %N "$path")
        [ "$want" == "$got" ] || fail "TZ=$zone %N of $path: GNU [$want], fifo [$got]"
        # And with -L, where it changes what is reported.
        want=$(TZ=$zone stat -L -c '%N %F %a %i' "$path")
        got=$(TZ=$zone "$F" stat -L -c '%N %F %a %i' "$path")
        [ "$want" == "$got" ] || fail "TZ=$zone -L of $path: GNU [$want], fifo [$got]"
    done
    ok "TZ=$zone: $((${#directives[@]} + 1)) directives agree with GNU stat for a FIFO, files, a directory, a symlink, a device"
done

eq "$(TZ=Asia/Kolkata stat -c 'Modify: %y' fifo)" \
   "$(TZ=Asia/Kolkata "$F" stat fifo | grep '^Modify:')" "the default output prints local times as GNU does"

eq "$(stat -c '%N' "$name")" "$("$F" stat -c '%N' "$name")" "%N quotes it as GNU does"

# --printf: backslash escapes, no newline added.
fmt='%n\t%s\101\x42\\\n%a'
eq "$(stat --printf "$fmt" file | od -An -tx1)" "$("$F" stat --printf "$fmt" file | od -An -tx1)" \
   "--printf interprets escapes and adds no newline, as GNU does"
eq "$(stat -c '%n\t' file)" "$("$F" stat -c '%n\t' file)" "-c leaves backslashes alone"
eq "$(stat -c '%n %%' fifo file)" "$("$F" stat -c '%n %%' fifo file)" "%% and several PATHs"

# Pipe state has names of its own.
got=$("$F" stat -c '%{readers} %{writers} %{opening} %{capacity} [%{holders}]' fifo)
eq "0 0 0 ? []" "${got//+/}" "%{...} pipe state of a FIFO nobody holds"

expect_fail 2 "unknown directive '%Q'" "$F" stat -c '%Q' fifo
expect_fail 2 "unknown directive '%{bogus}'" "$F" stat -c '%{bogus}' fifo
expect_fail 2 "unknown directive '%C'" "$F" stat --printf '%C' fifo
expect_fail 2 "unknown escape '\\q'" "$F" stat --printf '\q' fifo
