# The README's "Installing completions, man pages and links" block, run as
# it stands by an ordinary user (uid 65534 when root) with a fresh HOME and
# the binary in ~/.cargo/bin: afterwards `man fifo-tee` shows the page, and
# bash-completion loads the completion for fifo and for a fifo-CMD link.
# needs: man
source "$(dirname "$0")/lib.sh"
ROOT=$(cd "$SCRIPTS/../.." && pwd)
need man

awk '/^## Installing completions/ { section = 1 }
     section && /^```sh$/ { block = 1; next }
     block && /^```$/ { exit }
     block' "$ROOT/README.md" > install.block
grep -q "fifo man --dir" install.block || fail "no install block in README.md: $(cat install.block)"

H="$T/home"
mkdir -p "$H/.cargo/bin"
cp "$F" "$H/.cargo/bin/fifo"
AS=()
if [ "$(id -u)" = 0 ]; then
    chown -R 65534:65534 "$H"
    AS=("${AS_NOBODY[@]}")
fi
# as_user CMD...: CMD as that user, in a clean environment (no MANPATH).
as_user() {
    timeout 20 "${AS[@]}" env -i HOME="$H" PATH="$H/.cargo/bin:/usr/local/bin:/usr/bin:/bin" "$@"
}
as_user bash -e "$T/install.block" || fail "the README's install block failed"
ok "the README's install block runs with a fresh HOME as uid $(as_user id -u)"

eq "$H/.cargo/share/man/man1/fifo-tee.1" "$(as_user man -w fifo-tee)" "man -w fifo-tee finds the installed page"
# Bold and underline as overstrikes (mandoc's man, or man-db without col)
# are taken out.
page=$(as_user env MANWIDTH=80 man fifo-tee 2> /dev/null | sed 's/.\x08//g')
grep -q "^FIFO-TEE(1)" <<<"$page" || fail "man fifo-tee: $(head -3 <<<"$page")"
tr -s ' ' <<<"$page" | grep "fifo tee \[-a\] \[--no-wait\] \[-t DUR\]" > /dev/null || fail "man fifo-tee lacks its synopsis: $(head -12 <<<"$page")"
ok "man fifo-tee renders the page"

[ -r /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed (.ci/run installs it)"
for cmd in fifo fifo-cat; do
    spec=$(as_user bash -c 'source /usr/share/bash-completion/bash_completion
        __load_completion "$1" && complete -p "$1"' _ "$cmd") || fail "bash-completion does not load a completion for $cmd"
    [[ "$spec" == *" -F _"*" $cmd" ]] || fail "bash-completion loaded for $cmd: $spec"
done
ok "bash-completion loads the completion for fifo and fifo-cat on first use"
[ -s "$H/.config/fish/completions/fifo.fish" ] || fail "no fish completion installed"
ok "the fish completion is installed"
