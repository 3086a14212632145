# The committed completions and man pages work in the real programs: bash,
# zsh and fish load the completions and complete a command name; man renders
# every page and mandoc's lint finds no errors. Also --list and fifo-CMD links.
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

# bash: the completion registers and completes subcommands and options.
bash_completes=$(bash -c '
    source "$1"
    complete -p fifo
    COMP_WORDS=(fifo se); COMP_CWORD=1; COMP_LINE="fifo se"; COMP_POINT=7
    _fifo fifo se fifo
    echo "${COMPREPLY[*]}"
    COMP_WORDS=(fifo send --no); COMP_CWORD=2
    _fifo fifo --no send
    echo "${COMPREPLY[*]}"' _ "$ROOT/completions/fifo.bash")
[[ "$bash_completes" == *"-F _fifo fifo"* ]] || fail "bash: complete -p fifo: $bash_completes"
[[ "$bash_completes" == *$'\n'"send"$'\n'* ]] || fail "bash did not complete 'se' to send: $bash_completes"
[[ "$bash_completes" == *"--no-wait"* ]] || fail "bash did not complete --no-wait: $bash_completes"
ok "bash sources the completion and completes fifo se -> send, --no -> --no-wait"

# zsh and fish: installed from Debian by .ci/run.
need zsh fish
zsh_loaded=$(zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -d "$2/zcompdump"; print -r -- ${_comps[fifo]}' _ "$ROOT/completions" "$T")
eq _fifo "$zsh_loaded" "zsh's compinit loads _fifo for fifo"
zsh -n "$ROOT/completions/_fifo" || fail "zsh cannot parse _fifo"
fish -n "$ROOT/completions/fifo.fish" || fail "fish cannot parse fifo.fish"
fish_completes=$(HOME="$T" fish --no-config -c 'source $argv[1]; complete -C "fifo te"' "$ROOT/completions/fifo.fish")
[[ "$fish_completes" == tee* ]] || fail "fish did not complete 'te' to tee: $fish_completes"
ok "fish parses the completion and completes fifo te -> tee"

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
