//! The scripts `fifo completions SHELL` prints: clap's registration (which
//! asks `fifo` for candidates) wrapped so that each shell behaves as its
//! users expect: bash joins the `--opt=value` it split at `=`, zsh lists
//! FIFOs, then directories, files and options, and after `redirect ... --`
//! or `serve ... --` the command completes as itself (bash-completion's
//! `_command_offset`, zsh's `_normal`); every `fifo-CMD` link completes as
//! `fifo CMD`.

use clap_complete::env::{Bash, EnvCompleter, Fish};

use super::VAR;

/// The script for `shell`.
pub fn script(shell: clap_complete::Shell) -> Vec<u8> {
    let links: Vec<String> = crate::cli::applets::APPLETS
        .iter()
        .map(|applet| format!("fifo-{}", applet.name))
        .collect();
    let links = links.join(" ");
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = match shell {
        clap_complete::Shell::Bash => {
            Bash.write_registration(VAR, "fifo", "fifo", "fifo", &mut out)
        }
        // Our own function: clap's lists directories first.
        clap_complete::Shell::Zsh => Ok(()),
        clap_complete::Shell::Fish => {
            Fish.write_registration(VAR, "fifo", "fifo", "fifo", &mut out)
        }
        clap_complete::Shell::Elvish => {
            clap_complete::env::Elvish.write_registration(VAR, "fifo", "fifo", "fifo", &mut out)
        }
        _ => {
            clap_complete::env::Powershell.write_registration(VAR, "fifo", "fifo", "fifo", &mut out)
        }
    };
    let tail = match shell {
        clap_complete::Shell::Bash => BASH,
        clap_complete::Shell::Zsh => ZSH,
        clap_complete::Shell::Fish => FISH,
        _ => "",
    };
    out.extend_from_slice(tail.replace("LINKS", &links).as_bytes());
    out
}

/// bash: `--opt=value` joined back, names quoted and directories marked as
/// bash does for files (clap's function leaves `my file` unquoted), the
/// command after `--` completed as itself, and `fifo-CMD ARGS` as `fifo CMD
/// ARGS`.
const BASH: &str = r#"
# bash splits "--opt=value" at "=" (COMP_WORDBREAKS): join the words back
# for fifo, and strip "--opt=" from what it offers, as bash replaces only
# the part after "=". Names are quoted and directories marked as for files
# (the function above leaves "my file" unquoted); readline adds the / back.
_fifo() {
    local -a joined=()
    local i word cword=0
    for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
        word=${COMP_WORDS[i]}
        if [[ $word == = && ${#joined[@]} -gt 0 && ${joined[-1]} == --* && ${joined[-1]} != *=* ]]; then
            joined[-1]+==
            ((i == COMP_CWORD)) && cword=$((${#joined[@]} - 1))
            if ((i + 1 < ${#COMP_WORDS[@]})); then
                i=$((i + 1))
                joined[-1]+=${COMP_WORDS[i]}
                ((i == COMP_CWORD)) && cword=$((${#joined[@]} - 1))
            fi
            continue
        fi
        joined+=("$word")
        ((i == COMP_CWORD)) && cword=$((${#joined[@]} - 1))
    done
    COMP_WORDS=("${joined[@]}")
    COMP_CWORD=$cword
    local cur=${joined[cword]} prefix=
    [[ $cur == --*=* ]] && prefix=${cur%%=*}=
    # After "redirect ... --" and "serve ... --", the command completes as
    # itself, as bash-completion does after sudo or timeout.
    if [[ ${COMP_WORDS[1]} == @(redirect|serve) ]] && declare -F _command_offset > /dev/null; then
        for ((i = 2; i < COMP_CWORD; i++)); do
            if [[ ${COMP_WORDS[i]} == -- ]]; then
                _command_offset $((i + 1))
                return
            fi
        done
    fi
    _clap_complete_fifo fifo "$cur" "${COMP_WORDS[cword - 1]}"
    if [[ ${#COMPREPLY[@]} -gt 0 ]]; then
        [[ -n $prefix ]] && COMPREPLY=("${COMPREPLY[@]#"$prefix"}")
        compopt -o filenames 2> /dev/null
        COMPREPLY=("${COMPREPLY[@]%/}")
    fi
}
# fifo-CMD links complete like fifo CMD.
_fifo_link() {
    local link=${COMP_WORDS[0]##*/}
    COMP_WORDS=(fifo "${link#fifo-}" "${COMP_WORDS[@]:1}")
    COMP_CWORD=$((COMP_CWORD + 1))
    _fifo fifo "$2" "$3"
}
# -o nosort (bash 4.4 and later) keeps FIFOs first.
if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -o nospace -o bashdefault -o nosort -F _fifo fifo
    complete -o nospace -o bashdefault -o nosort -F _fifo_link LINKS
else
    complete -o nospace -o bashdefault -F _fifo fifo
    complete -o nospace -o bashdefault -F _fifo_link LINKS
fi
"#;

/// zsh: asks `fifo` for candidates and adds them FIFOs first, then
/// directories, other files and values, and options last; after `redirect
/// ... --` and `serve ... --` the command completes as itself. The first
/// line names the links, so that compinit loads this file (`_fifo` in
/// `$fpath`) for them too.
const ZSH: &str = r#"#compdef fifo LINKS
_fifo_complete() {
    # fifo-CMD links complete like fifo CMD.
    if [[ ${words[1]:t} == fifo-* ]]; then
        words=(fifo ${${words[1]:t}#fifo-} "${(@)words[2,-1]}")
        (( CURRENT++ ))
    fi
    local i
    if [[ ${words[2]} == (redirect|serve) ]]; then
        for (( i = 3; i < CURRENT; i++ )); do
            if [[ ${words[i]} == -- ]]; then
                shift $i words
                (( CURRENT -= i ))
                _normal
                return
            fi
        done
    fi
    local -a candidates fifos dirs files described options
    candidates=("${(@f)$(_CLAP_IFS=$'\n' _CLAP_COMPLETE_INDEX=$(( CURRENT - 1 )) \
        FIFO_COMPLETE=zsh fifo -- "${words[@]}" 2> /dev/null)}")
    local candidate value name
    for candidate in $candidates; do
        [[ -n $candidate ]] || continue
        # VALUE or VALUE:HELP, with \: and \\ in VALUE.
        value=${${${candidate//\\:/$'\1'}%%:*}//$'\1'/\\:}
        name=${${value//\\:/:}//\\\\/\\}
        if [[ $value == -* ]]; then
            options+=("$candidate")
        elif [[ $value != $candidate ]]; then
            described+=("$candidate")
        elif [[ $name == */ ]]; then
            dirs+=("${name%/}")
        elif [[ -p $name ]]; then
            fifos+=("$name")
        else
            files+=("$name")
        fi
    done
    # zsh lists matches with descriptions before the others, whatever the
    # order they came in: paths are added without, options last.
    (( $#fifos )) && compadd -V fifo -- "${fifos[@]}"
    (( $#dirs )) && compadd -V directory -S / -r / -- "${dirs[@]}"
    (( $#files )) && compadd -V file -- "${files[@]}"
    (( $#described )) && _describe -V value described
    (( $#options )) && _describe -V option options
}
compdef _fifo_complete fifo LINKS
if [[ ${funcstack[1]} == _fifo ]]; then
    _fifo_complete "$@"
fi
"#;

/// fish: the links.
const FISH: &str = r#"# fifo-CMD links complete like fifo CMD.
for link in LINKS
    complete --keep-order --exclusive --command $link --arguments "(FIFO_COMPLETE=fish fifo -- fifo (string replace fifo- '' -- $link) (commandline --current-process --tokenize --cut-at-cursor)[2..] (commandline --current-token))"
end
"#;
