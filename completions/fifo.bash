
_clap_complete_fifo() {
    local IFS=$'\013'
    local _CLAP_COMPLETE_INDEX=${COMP_CWORD}
    local _CLAP_COMPLETE_COMP_TYPE=${COMP_TYPE}
    if compopt +o nospace 2> /dev/null; then
        local _CLAP_COMPLETE_SPACE=false
    else
        local _CLAP_COMPLETE_SPACE=true
    fi
    local words=("${COMP_WORDS[@]}")
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        words[COMP_CWORD]="$2"
    fi
    COMPREPLY=( $( \
        _CLAP_IFS="$IFS" \
        _CLAP_COMPLETE_INDEX="$_CLAP_COMPLETE_INDEX" \
        _CLAP_COMPLETE_COMP_TYPE="$_CLAP_COMPLETE_COMP_TYPE" \
        _CLAP_COMPLETE_SPACE="$_CLAP_COMPLETE_SPACE" \
        FIFO_COMPLETE="bash" \
        "fifo" -- "${words[@]}" \
    ) )
    if [[ $? != 0 ]]; then
        unset COMPREPLY
    elif [[ $_CLAP_COMPLETE_SPACE == false ]] && [[ "${COMPREPLY-}" =~ [=/:]$ ]]; then
        compopt -o nospace
    fi
}
if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -o nospace -o bashdefault -o nosort -F _clap_complete_fifo fifo
else
    complete -o nospace -o bashdefault -F _clap_complete_fifo fifo
fi


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
    complete -o nospace -o bashdefault -o nosort -F _fifo_link fifo-mk fifo-cat fifo-send fifo-tee fifo-redirect fifo-stat fifo-hold fifo-wait fifo-serve fifo-call fifo-bridge fifo-completions fifo-man
else
    complete -o nospace -o bashdefault -F _fifo fifo
    complete -o nospace -o bashdefault -F _fifo_link fifo-mk fifo-cat fifo-send fifo-tee fifo-redirect fifo-stat fifo-hold fifo-wait fifo-serve fifo-call fifo-bridge fifo-completions fifo-man
fi
