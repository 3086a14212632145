# The committed man pages work in the real programs: man renders every page
# and mandoc's lint finds no errors. Also --list and fifo-CMD links.
# (Completions: complete.sh.)
# needs: man mandoc
# slow
source "$(dirname "$0")/lib.sh"
ROOT=$(cd "$SCRIPTS/../.." && pwd)

# --list names every command, and each runs through a fifo-NAME link.
"$F" --list > names
eq "mk cat send tee redirect stat hold wait serve call bridge completions man" "$(tr '\n' ' ' < names | sed 's/ $//')" "--list prints the commands"
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

# man pages, as fifo writes them (tests/cli.rs checks that man/ holds the
# same): man renders each with every section, mandoc's lint has no warning.
need man mandoc
mkdir pages
"$F" man --dir pages
# section PAGE NAME: the text of section NAME of the rendered PAGE, blanks
# squeezed.
section() {
    MANWIDTH=200 man -l "pages/$1.1" 2> /dev/null | tr -s ' ' |
        awk -v name="$2" '/^[A-Z]/ { on = ($0 == name); next } on && NF'
}
for page in pages/*.1; do
    rendered=$(MANWIDTH=80 man -l "$page" 2>&1)
    for name in NAME SYNOPSIS DESCRIPTION OPTIONS EXAMPLES "EXIT STATUS" "SEE ALSO"; do
        grep -q "^$name\$" <<<"$rendered" || fail "$(basename "$page") renders without $name"
    done
    grep -q "^VERSION" <<<"$rendered" && fail "$(basename "$page") has a VERSION section"
    grep -Eq "^fifo [0-9.]+ +[0-9]{4}-[0-9]{2}-[0-9]{2} " <<<"$rendered" || fail "$(basename "$page"): no version and date in the footer: $(tail -1 <<<"$rendered")"
    page=$(basename "$page" .1)
    name=$(section "$page" NAME)
    description=$(section "$page" DESCRIPTION)
    [ "${#description}" -gt $((${#name} + 40)) ] || fail "$page: DESCRIPTION [$description] says no more than NAME [$name]"
done
ok "man renders every page with NAME ... SEE ALSO, a dated footer with the version, no VERSION section, a DESCRIPTION longer than NAME"
lint=$(mandoc -T lint -W warning pages/*.1 2>&1) || fail "mandoc -T lint -W warning: $lint"
eq "" "$lint" "mandoc -T lint -W warning reports nothing"

# SYNOPSIS: option values, redirect's -- CMD [ARG...], PATH... for several.
eq " fifo redirect --fd N {--read|--write|--rw} [--create] [-t DUR] [--capacity BYTES] [-v] PATH -- CMD [ARG...]" \
    "$(section fifo-redirect SYNOPSIS)" "fifo-redirect(1) SYNOPSIS"
eq " fifo wait {--exists|--reader|--writer|--data|--empty} [-t DUR] [-q] PATH..." \
    "$(section fifo-wait SYNOPSIS)" "fifo-wait(1) SYNOPSIS"
# (cat's SYNOPSIS is wider than 200 columns: its lines are joined.)
[[ "$(section fifo-cat SYNOPSIS | tr -d '\n')" == *"[-t DUR] [--idle DUR] [-c N] [-l N]"*"[--capacity BYTES] [-v] [PATH...]" ]] || fail "fifo-cat(1) SYNOPSIS: $(section fifo-cat SYNOPSIS)"
[[ "$(section fifo-send SYNOPSIS)" == *" PATH [MESSAGE...]" ]] || fail "fifo-send(1) SYNOPSIS: $(section fifo-send SYNOPSIS)"
[[ "$(section fifo-hold SYNOPSIS)" != *detached* && "$(section fifo-cat SYNOPSIS)" != *splice* ]] || fail "a SYNOPSIS shows a hidden option"
ok "SYNOPSIS shows option values, PATH..., redirect's -- CMD [ARG...], no hidden option"

# EXIT STATUS: each page its own command's.
statuses() { section "$1" "EXIT STATUS" | grep -Eo '^ (other|[0-9]+(, [0-9]+)*)' | tr -d ' ' | tr '\n' ' ' | sed 's/ $//'; }
eq "0 1 2" "$(statuses fifo-mk)" "fifo-mk(1) lists mk's statuses only"
eq "0 1 2 3 124" "$(statuses fifo-send)" "fifo-send(1) lists send's statuses only"
eq "0 1 2 124 126,127 other" "$(statuses fifo-redirect)" "fifo-redirect(1) lists redirect's statuses, with CMD's"
eq "0 1 2 3 124 126,127 129,130,143 141 other" "$(statuses fifo)" "fifo(1) lists them all"

MANWIDTH=80 man -l pages/fifo-redirect.1 > redirect.txt 2>&1
grep -q "exec 42> flow" redirect.txt || fail "fifo-redirect.1 lacks its exec 42> example"
grep -q "^SEE ALSO" redirect.txt || fail "fifo-redirect.1 lacks SEE ALSO"
ok "pages carry their examples and SEE ALSO"
# The same SEE ALSO on every page: with the page itself added, one list.
see_also() { sed -n '/^\.SH "SEE ALSO"/{n;p}' "pages/$1.1" | sed 's/\\f[IRB]//g; s/\\-/-/g' | tr ',' '\n' | sed 's/^ *//'; }
everything() { { see_also "$1"; echo "$1(1)"; } | sort | tr '\n' ' '; }
all=$(everything fifo)
for page in pages/fifo-*.1; do
    name=$(basename "$page" .1)
    eq "$all" "$(everything "$name")" "$name(1) has the SEE ALSO of every page"
done
for pair in serve:fifo-call call:fifo-serve send:fifo-cat cat:fifo-send stat:stat; do
    see_also "fifo-${pair%%:*}" | grep -x "${pair#*:}(1)" > /dev/null || fail "fifo-${pair%%:*}(1) does not name ${pair#*:}(1)"
done
ok "fifo-serve(1) and fifo-call(1), fifo-send(1) and fifo-cat(1) name each other; fifo-stat(1) names stat(1)"
MANWIDTH=80 man -l pages/fifo-stat.1 > stat.txt 2>&1
for field in schema_version "pipe.readers" "pipe.holders" unknown; do
    sed -n '/^JSON OUTPUT/,/^EXIT STATUS/p' stat.txt | grep "$field" > /dev/null || fail "fifo-stat(1) JSON OUTPUT lacks $field"
done
grep -q "docs/json.md" stat.txt && fail "fifo-stat(1) points to docs/json.md, which an installed fifo does not have"
ok "fifo-stat(1) carries the JSON schema's essentials"
