# fifo stat -c: printf's flags, width and precision on every directive, as
# GNU stat applies them (%.9Y, %.3X, %-8n, %8s, %05a, %#a, %Hd %Ld %Hr
# %Lr, ...), compared byte for byte with GNU stat on six file types: a
# regular file, a directory, a symlink, a FIFO, a character device and a
# socket. And the default report's File and Device lines, as GNU's.
# needs: python3
# needs: linux   # compares with GNU stat, whose birth time (%w %W) needs statx
source "$(dirname "$0")/lib.sh"

stat --version | grep -q 'GNU coreutils' || skip "GNU stat is not installed"
export TZ=Asia/Kolkata LC_ALL=C
printf 'some text\n' > reg
mkdir dir
ln -s reg ln
mkfifo fifo
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' sock
# Times with nanoseconds.
for path in reg dir fifo sock ln; do touch -h -d '2031-02-03 04:05:06.123456789' "$path"; done

specs=("" -8 8 05 "#" .3 .9 + " " -#12 012.3 20.5 -20.5 . .12 10.2 "'" I 0 1 2.1 -3.1 .0 20.0)
directives=(a A b B d D Hd Ld f F g G h i m n o r Hr Lr R s t T u U w W x X y Y z Z)
format=""
for spec in "${specs[@]}"; do
    for d in "${directives[@]}"; do format+="%$spec$d|"; done
    format+=$'\n'
done
# %N with flags is left out: GNU quotes only when the format holds the
# exact text %N, and repeats the conversion letter after a dropped flag.
# Reading a link may move its access time, so %N is compared on its own.
for path in reg dir ln fifo /dev/null sock; do
    eq "$(stat -c '%N|%-8N|%8N|%.3N' "$path")" "$("$F" stat -c '%N|%-8N|%8N|%.3N' "$path")" "$path: %N"
done
for path in reg dir ln fifo /dev/null sock; do
    stat -c "$format" "$path" > gnu.out
    "$F" stat -c "$format" "$path" > fifo.out
    cmp -s gnu.out fifo.out ||
        fail "$path: $(diff <(tr '|' '\n' < gnu.out) <(tr '|' '\n' < fifo.out) | head -8)"
    ok "$path: ${#specs[@]} specs x ${#directives[@]} directives print as GNU stat prints them"
done
for f in '%.9Y' '%.3X' '%-8n|' '%8s' '%05a' '%#a' '%Hd %Ld %Hr %Lr' '%.9W' '%-20.5Z|' '%+s'; do
    eq "$(stat -c "$f" /dev/null)" "$("$F" stat -c "$f" /dev/null)" "stat -c '$f' /dev/null"
done
eq "$(stat --printf '%.9Y\t%#a\n' reg)" "$("$F" stat --printf '%.9Y\t%#a\n' reg)" "--printf takes them too"

expect_fail 2 "invalid directive '%.2%'" "$F" stat -c '%.2%' reg
expect_fail 2 "unknown directive '%5Q'" "$F" stat -c '%5Q' reg
expect_fail 2 "unknown directive '%H'" "$F" stat -c '%Hx' reg

# The default report: File as GNU's (a symlink with its target), Device as
# major,minor, and a device's type.
for path in ln reg /dev/null; do
    eq "$(stat "$path" | sed -n 1p)" "$("$F" stat "$path" | sed -n 1p)" "default report of $path: the File line"
    want=$(stat "$path" | grep '^Device:' | cut -f1)
    got=$("$F" stat "$path" | grep '^Device:' | sed 's/   .*//')
    eq "$want" "$got" "default report of $path: the Device line"
done
eq "$(stat /dev/null | grep -o 'Device type: [0-9,]*')" "$("$F" stat /dev/null | grep -o 'Device type: [0-9,]*')" \
    "default report of /dev/null: its device type"
touch $'new\nline'
eq "  File: 'new\\nline'" "$("$F" stat $'new\nline' | sed -n 1p)" "a name with a control character stays quoted, on one line"
