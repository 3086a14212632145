# The committed man pages work in the real programs: man renders every page
# and mandoc's lint finds no errors. Also --list and fifo-CMD links.
# (Completions: complete.sh.)
source "$(dirname "$0")/lib.sh"
ROOT=$(cd "$SCRIPTS/../.." && pwd)

# --list names every command, and each runs through a fifo-NAME link.
"$F" --list > names
eq "mk cat send tee redirect stat hold wait completions man" "$(tr '\n' ' ' < names | sed 's/ $//')" "--list prints the commands"
mkdir links
while read -r name; do
    ln -s "$F" "links/fifo-$name"
    links/"fifo-$name" --help > help.out
    grep -q "^Usage: fifo $name" help.out || fail "fifo-$name --help: $(head -3 help.out)"
done < names
ok "every fifo-NAME link acts as fifo NAME"
mkdir hard
cp "$F" hard/fifo
ln hard/fifo hard/fifo-stat
eq "regular file" "$(hard/fifo-stat -c %F names)" "a hard link named fifo-stat acts as fifo stat"
expect_fail 2 "'fifo-nope' names no fifo command" bash -c "ln -s '$F' links/fifo-nope && links/fifo-nope"

# man pages: man renders each, mandoc's lint reports no errors.
need man mandoc
for page in "$ROOT"/man/*.1; do
    rendered=$(MANWIDTH=80 man -l "$page" 2>&1)
    for section in NAME SYNOPSIS DESCRIPTION OPTIONS EXAMPLES "EXIT STATUS" "SEE ALSO"; do
        grep -q "^$section" <<<"$rendered" || fail "$(basename "$page") renders without $section"
    done
done
ok "man renders every page with NAME ... SEE ALSO"
lint=$(mandoc -T lint -W error "$ROOT"/man/*.1 2>&1) || fail "mandoc -T lint: $lint"
eq "" "$lint" "mandoc -T lint reports no errors"
MANWIDTH=80 man -l "$ROOT/man/fifo-redirect.1" > redirect.txt 2>&1
grep -q "exec 42> flow" redirect.txt || fail "fifo-redirect.1 lacks its exec 42> example"
grep -q "mkfifo(1), tee(1), fifo(7), pipe(7)" redirect.txt || fail "fifo-redirect.1 SEE ALSO: $(grep -A2 'SEE ALSO' redirect.txt)"
ok "pages carry their examples and SEE ALSO"
