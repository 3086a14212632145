# Completion as bash and zsh users meet it, typed into real interactive
# shells under tmux and read off the screen: bash completes --opt=value
# (--progress=al -> --progress=always, --output-error=e, --progress=
# lists only the three values); a detached word is never offered as an
# optional value; DUR, BYTES, RATE, MODE and --fd values are hinted; after
# "send FIFO" nothing (no "-") is inserted; after "redirect ... --" the
# command's own options complete (bash-completion's _command_offset, zsh's
# _normal); zsh lists FIFOs first, then directories, files, options.
# needs: zsh tmux
source "$(dirname "$0")/lib.sh"

[ -r /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed (.ci/run installs it)"
mkfifo zz.fifo
echo data > aa.txt
mkdir dd .bin
ln -s "$F" .bin/fifo
export PATH="$T/.bin:$PATH" HOME="$T"
"$F" completions bash > fifo.bash
mkdir .zfunc
"$F" completions zsh > .zfunc/_fifo
printf '%s\n' "PS1='$ '" "source /usr/share/bash-completion/bash_completion" "source '$T/fifo.bash'" > bashrc
printf '%s\n' "PS1='%% '" "fpath=('$T/.zfunc' \$fpath)" "autoload -Uz compinit && compinit -u -d '$T/zcompdump'" \
    "setopt list_rows_first" > .zshrc

QUERY=0
trap 'for sock in "$T"/tmux.*; do tmux -S "$sock" kill-server 2>/dev/null || true; done; cleanup' EXIT
screen() { tmux -S "$SOCK" capture-pane -p; }
prompt_shown() { screen | grep -q '^[$%]'; }
marked() { screen | grep -q '#END'; }
# typed SHELL LINE KEYS...: in a fresh interactive SHELL (bash or zsh), types
# LINE, presses KEYS (Tab, or Tab Tab), then types a marker; once the marker
# shows, the shell has handled the keys. The screen is left in $T/screen,
# the edited line (prompt and marker cut) in LINE.
typed() {
    local shell=$1 line=$2
    shift 2
    QUERY=$((QUERY + 1))
    SOCK="$T/tmux.$QUERY"
    local start="env ZDOTDIR='$T' HOME='$T' PATH='$PATH' zsh -i"
    [ "$shell" = bash ] && start="env HOME='$T' PATH='$PATH' bash --rcfile '$T/bashrc' -i"
    # SHELL: tmux runs the command with it (nobody's login shell is nologin).
    SHELL=/bin/sh tmux -S "$SOCK" new-session -d -x 200 -y 50 "$start"
    wait_until 10 "$shell's prompt" prompt_shown
    tmux -S "$SOCK" send-keys -l "$line"
    tmux -S "$SOCK" send-keys "$@"
    tmux -S "$SOCK" send-keys -l "#END"
    wait_until 10 "$shell to complete '$line'" marked
    screen > "$T/screen"
    LINE=$(grep '#END' "$T/screen" | sed 's/^[$%] //; s/#END.*//')
    tmux -S "$SOCK" kill-server
}
# listed: what the shell listed below the line, words separated by spaces.
listed() { grep -v '#END' "$T/screen" | grep -v '^[$%] ' | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }

# --- bash
typed bash "fifo cat --progress=al" Tab
eq "fifo cat --progress=always " "$LINE" "bash: fifo cat --progress=al<Tab>"
typed bash "fifo tee --output-error=e" Tab
eq "fifo tee --output-error=exit" "$LINE" "bash: fifo tee --output-error=e<Tab>"
typed bash "fifo tee --output-error=exit-" Tab
eq "fifo tee --output-error=exit-nopipe " "$LINE" "bash: fifo tee --output-error=exit-<Tab>"
typed bash "fifo cat --progress=" Tab Tab
eq "auto always never" "$(listed)" "bash: fifo cat --progress=<Tab><Tab> lists the three values only"
typed bash "fifo cat --progress al" Tab
eq "fifo cat --progress al" "$LINE" "bash: a detached word is not completed as --progress's value"
typed bash "fifo cat -t " Tab Tab
eq "0.5 10s 500ms 2m 1h" "$(listed)" "bash: -t DUR<Tab><Tab> hints durations"
typed bash "fifo cat --capacity 64" Tab Tab
eq "64 64K 64M 64G 64KB 64MB 64GB" "$(listed)" "bash: --capacity 64<Tab><Tab> hints the suffixes"
typed bash "fifo mk -m 6" Tab Tab
eq "600 620 640 660" "$(listed)" "bash: -m MODE hints modes"
typed bash "fifo redirect --fd " Tab Tab
eq "0 1 2 3" "$(listed)" "bash: --fd hints descriptors"
typed bash "fifo send zz.fifo " Tab
eq "fifo send zz.fifo " "$LINE" "bash: fifo send FIFO <Tab> inserts nothing"
typed bash "fifo redirect --fd 3 --read zz.fifo -- grep --fixed-s" Tab
eq "fifo redirect --fd 3 --read zz.fifo -- grep --fixed-strings" "${LINE% }" "bash: after redirect ... -- the command's own options"
typed bash "fifo serve zz.fifo -- grep --fixed-s" Tab
eq "fifo serve zz.fifo -- grep --fixed-strings" "${LINE% }" "bash: after serve ... -- the command's own options"

# --- zsh
typed zsh "fifo cat " Tab
out=$(listed)
[[ "$out" =~ zz\.fifo.*dd.*aa\.txt.*--keep-open ]] || fail "zsh: fifo cat <Tab> does not list FIFO, directory, file, options in order: $out"
ok "zsh: fifo cat <Tab> lists the FIFO, then the directory, the file, the options"
typed zsh "fifo cat --progress al" Tab
[[ "$LINE" != *always* ]] || fail "zsh: a detached word was completed as --progress's value: $LINE"
ok "zsh: a detached word is not completed as --progress's value"
typed zsh "fifo cat --progress=al" Tab
eq "fifo cat --progress=always" "${LINE% }" "zsh: fifo cat --progress=al<Tab>"
typed zsh "fifo cat -t " Tab
out=$(listed)
[[ "$out" == *"500ms"*milliseconds* && "$out" != *aa.txt* ]] || fail "zsh: -t <Tab> hints: $out"
ok "zsh: -t DUR<Tab> hints durations with what they mean"
typed zsh "fifo send zz.fifo " Tab
eq "fifo send zz.fifo " "$LINE" "zsh: fifo send FIFO <Tab> inserts nothing"
typed zsh "fifo redirect --fd 3 --read zz.fifo -- grep --fixed-s" Tab
eq "fifo redirect --fd 3 --read zz.fifo -- grep --fixed-strings" "${LINE% }" "zsh: after redirect ... -- the command's own options"
