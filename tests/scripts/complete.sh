# Completion as users meet it: the scripts `fifo completions SHELL` prints,
# loaded into real bash (with bash-completion), zsh (interactive, under
# tmux) and fish, asked for candidates. FIFOs come before other files (send
# offers nothing else), empty words list candidates, hidden options stay
# hidden, values that are no paths complete nothing, --dir only directories,
# `redirect ... --` commands, and the fifo-CMD links complete like fifo CMD.
# needs: zsh fish tmux
source "$(dirname "$0")/lib.sh"

# A FIFO named to sort last, so only "FIFOs first" puts it first.
mkfifo zz.fifo
echo data > aa.txt
mkdir dd
mkdir .bin
ln -s "$F" .bin/fifo
for name in $("$F" --list); do ln -s "$F" ".bin/fifo-$name"; done
export PATH="$T/.bin:$PATH" HOME="$T"

# --- bash, with bash-completion as an interactive shell has it.
[ -r /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed (.ci/run installs it)"
"$F" completions bash > fifo.bash
# bash_complete WORDS...: the candidates the registered function returns for
# the last word (the cursor at its end), one per line.
bash_complete() {
    timeout 20 bash -c '
        source /usr/share/bash-completion/bash_completion
        source fifo.bash
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        spec=$(complete -p "$1") || exit 1
        fn=${spec#*-F }; fn=${fn%% *}
        "$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf "%s\n" "${COMPREPLY[@]}"' _ "$@"
}
first3() { head -3 | tr '\n' ' ' | sed 's/ $//'; }
for cmd in cat stat tee hold wait; do
    eq "zz.fifo dd aa.txt" "$(bash_complete fifo "$cmd" "" | first3)" "bash: fifo $cmd <Tab> lists the FIFO, then directories, then files"
done
eq "zz.fifo dd -n" "$(bash_complete fifo send "" | first3)" "bash: fifo send <Tab> lists FIFOs and directories only"
eq "zz.fifo dd aa.txt" "$(bash_complete fifo redirect --fd 3 --read "" | first3)" "bash: fifo redirect --fd 3 --read <Tab>"
eq "zz.fifo dd aa.txt" "$(bash_complete fifo-cat "" | first3)" "bash: the fifo-cat link completes like fifo cat"
eq "zz.fifo dd -n" "$(bash_complete fifo-send "" | first3)" "bash: the fifo-send link completes like fifo send"
eq "bash elvish fish powershell zsh" "$(bash_complete fifo completions "" | grep -v '^-' | tr '\n' ' ' | sed 's/ $//')" "bash: fifo completions <Tab> lists the shells"
out=$(bash_complete fifo cat "")
grep -qx -- --keep-open <<<"$out" || fail "bash: fifo cat <Tab> lacks --keep-open: $out"
for words in "cat --" "cat --no" "send --no-" "hold --" "hold --de" "tee --"; do
    # shellcheck disable=SC2086
    out=$(bash_complete fifo $words)
    grep -Eq -- "--no-splice|--detached" <<<"$out" && fail "bash: fifo $words offers a hidden option: $out"
done
ok "bash: --no-splice and hold --detached are never offered"
for words in "cat -t" "cat --idle" "send --capacity" "stat -c" "wait -t" "redirect --fd" "cat -l"; do
    # shellcheck disable=SC2086
    out=$(bash_complete fifo $words "")
    grep -Eq "aa.txt|zz.fifo|dd" <<<"$out" && fail "bash: fifo $words <Tab> offers files: $out"
    ok "bash: fifo $words <Tab> offers no files"
done
eq "dd" "$(bash_complete fifo man --dir "" | grep -v '^\.' | tr '\n' ' ' | sed 's/ $//')" "bash: fifo man --dir <Tab> offers directories only"
eq "fifo-cat" "$(bash_complete fifo redirect --fd 3 --read zz.fifo -- fifo-cat)" "bash: after redirect ... -- a command from PATH"
eq "fifo-cat" "$(bash_complete fifo serve zz.fifo -- fifo-cat)" "bash: after serve ... -- a command from PATH"
out=$(bash_complete fifo redirect --fd 3 --read zz.fifo -- "")
grep -qx fifo-cat <<<"$out" || fail "bash: redirect ... -- <Tab> lists no commands: $(head -5 <<<"$out")"
grep -qx aa.txt <<<"$out" && fail "bash: redirect ... -- <Tab> lists files for the command"
ok "bash: redirect ... -- <Tab> (empty word) lists commands"
# Quoting is readline's: a real interactive bash, under tmux.
need tmux
touch "my file"
printf '%s\n' "PS1='$ '" "source /usr/share/bash-completion/bash_completion" "source '$T/fifo.bash'" > bashrc
SOCK="$T/tmux.bash"
# SHELL: tmux runs the command with it, and a user such as nobody has
# /usr/sbin/nologin as a login shell.
SHELL=/bin/sh tmux -S "$SOCK" new-session -d -x 200 -y 50 "env HOME='$T' PATH='$PATH' bash --rcfile '$T/bashrc' -i"
trap 'tmux -S "$SOCK" kill-server 2>/dev/null || true; cleanup' EXIT
bash_screen() { tmux -S "$SOCK" capture-pane -p; }
bash_prompt() { bash_screen | grep -q '^\$'; }
wait_until 10 "bash's prompt" bash_prompt
tmux -S "$SOCK" send-keys "fifo cat my" Tab
tmux -S "$SOCK" send-keys -l "#END"
bash_marked() { bash_screen | grep -q '#END'; }
wait_until 10 "bash to complete 'fifo cat my'" bash_marked
eq '$ fifo cat my\ file #END' "$(bash_screen | grep '#END')" "bash: a name with a space is completed quoted"
tmux -S "$SOCK" kill-server
eq "zz.fifo dd aa.txt" "$(bash_complete fifo redirect --fd 3 --read zz.fifo -- fifo-cat "" | first3)" "bash: the command's arguments complete as paths"

# --- fish: its own completion entry point, complete -C.
need fish
"$F" completions fish > fifo.fish
fish_complete() {
    timeout 20 fish --no-config -c 'source fifo.fish; complete -C $argv[1]' "$1" | cut -f1
}
eq "zz.fifo dd/ aa.txt" "$(fish_complete "fifo cat " | first3)" "fish: fifo cat <Tab> lists the FIFO first"
eq "zz.fifo dd/ -n" "$(fish_complete "fifo send " | first3)" "fish: fifo send <Tab> lists FIFOs and directories only"
eq "zz.fifo dd/ aa.txt" "$(fish_complete "fifo-tee " | first3)" "fish: the fifo-tee link completes like fifo tee"
eq "bash elvish fish powershell zsh" "$(fish_complete "fifo completions " | grep -v '^-' | tr '\n' ' ' | sed 's/ $//')" "fish: fifo completions <Tab> lists the shells, not files"
for line in "fifo cat --" "fifo cat --no" "fifo hold --" "fifo hold --de"; do
    out=$(fish_complete "$line")
    grep -Eq -- "--no-splice|--detached" <<<"$out" && fail "fish: $line offers a hidden option: $out"
done
ok "fish: hidden options are never offered"
eq "0.5 10s 500ms 2m 1h" "$(fish_complete "fifo cat --timeout " | tr '\n' ' ' | sed 's/ $//')" "fish: --timeout offers duration hints, no files"
eq "" "$(fish_complete "fifo stat -c ")" "fish: stat -c offers no files"
eq "dd/" "$(fish_complete "fifo mk --temp --dir " | grep -v '^\.' | tr '\n' ' ' | sed 's/ $//')" "fish: --dir offers directories only"
eq "fifo-cat" "$(fish_complete "fifo redirect --fd 3 --read zz.fifo -- fifo-cat")" "fish: after redirect ... -- a command"

# --- zsh: an interactive zsh under tmux, its listing read off the screen.
need zsh tmux
mkdir .zfunc
"$F" completions zsh > .zfunc/_fifo
cat > .zshrc <<EOF
PS1='%% '
fpath=("$T/.zfunc" \$fpath)
autoload -Uz compinit && compinit -u -d "$T/zcompdump"
setopt list_rows_first
EOF
# One tmux server per query (socket $T/tmux.N), all ended on exit.
trap 'for sock in "$T"/tmux.*; do tmux -S "$sock" kill-server 2>/dev/null || true; done; cleanup' EXIT
QUERY=0
screen() { tmux -S "$SOCK" capture-pane -p; }
# (capture-pane drops trailing blanks: the prompt "% " shows as "%".)
prompt_shown() { screen | grep -q '^%'; }
marked() { screen | grep -q '#END'; }
# zsh_complete LINE: in a fresh zsh, types LINE, presses Tab, then types a
# marker: once the marker shows, zsh has handled the Tab. Prints the screen
# into $T/screen.
zsh_complete() {
    QUERY=$((QUERY + 1))
    SOCK="$T/tmux.$QUERY"
    SHELL=/bin/sh tmux -S "$SOCK" new-session -d -x 200 -y 50 "env ZDOTDIR='$T' PATH='$PATH' zsh -i"
    wait_until 10 "zsh's prompt" prompt_shown
    tmux -S "$SOCK" send-keys "$1" Tab
    tmux -S "$SOCK" send-keys -l "#END"
    wait_until 10 "zsh to complete '$1'" marked
    screen > "$T/screen"
    tmux -S "$SOCK" kill-server
}
zsh_complete "fifo cat "
out=$(cat screen)
[[ "$out" == *zz.fifo*aa.txt* ]] || fail "zsh: fifo cat <Tab> does not list the FIFO before the file: $out"
[[ "$out" == *--keep-open* ]] || fail "zsh: fifo cat <Tab> lacks the options: $out"
[[ "$out" == *--no-splice* ]] && fail "zsh: fifo cat <Tab> offers --no-splice: $out"
ok "zsh: fifo cat <Tab> lists the FIFO before other files, no hidden option"
zsh_complete "fifo send "
out=$(cat screen)
[[ "$out" == *zz.fifo* && "$out" != *aa.txt* ]] || fail "zsh: fifo send <Tab>: $out"
ok "zsh: fifo send <Tab> offers the FIFO, not the regular file"
zsh_complete "fifo-stat "
out=$(cat screen)
[[ "$out" == *zz.fifo*aa.txt* ]] || fail "zsh: fifo-stat <Tab>: $out"
ok "zsh: the fifo-stat link completes like fifo stat"
zsh_complete "fifo completions "
out=$(cat screen)
[[ "$out" == *bash*elvish*fish*powershell*zsh* && "$out" != *aa.txt* ]] || fail "zsh: fifo completions <Tab>: $out"
ok "zsh: fifo completions <Tab> lists the shells"
zsh_complete "fifo cat -t "
out=$(cat screen)
[[ "$out" != *aa.txt* && "$out" != *zz.fifo* ]] || fail "zsh: fifo cat -t <Tab> offers files: $out"
ok "zsh: -t offers no files"
zsh_complete "fifo redirect --fd 3 --read zz.fifo -- fifo-cat"
out=$(cat screen)
grep -q "^% fifo redirect --fd 3 --read zz.fifo -- fifo-cat" <<<"$out" || fail "zsh: redirect ... -- fifo-cat<Tab>: $out"
ok "zsh: after redirect ... -- a command"
