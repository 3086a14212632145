# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_fifo_global_optspecs
    string join \n list h/help V/version
end

function __fish_fifo_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_fifo_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_fifo_using_subcommand
    set -l cmd (__fish_fifo_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c fifo -n "__fish_fifo_needs_command" -l list -d 'Print the command names, one per line (each also runs as a fifo-NAME link)'
complete -c fifo -n "__fish_fifo_needs_command" -s h -l help -d 'Print help'
complete -c fifo -n "__fish_fifo_needs_command" -s V -l version -d 'Print version'
complete -c fifo -n "__fish_fifo_needs_command" -f -a "mk" -d 'Create named pipes (private, mode 0600, by default)'
complete -c fifo -n "__fish_fifo_needs_command" -f -a "cat" -d 'Copy FIFOs (or files, or stdin) to stdout, waiting for writers'
complete -c fifo -n "__fish_fifo_needs_command" -f -a "send" -d 'Write a message or stdin into a FIFO, waiting for a reader'
complete -c fifo -n "__fish_fifo_needs_command" -f -a "tee" -d 'Copy stdin to stdout and to every PATH, opening FIFOs concurrently'
complete -c fifo -n "__fish_fifo_needs_command" -f -a "redirect" -d 'Open a FIFO on file descriptor N, then run CMD with it'
complete -c fifo -n "__fish_fifo_needs_command" -f -a "stat" -d 'Show what a path is: type, mode, owner, times, and pipe state'
complete -c fifo -n "__fish_fifo_needs_command" -f -a "hold" -d 'Keep FIFOs open at both ends: writers never block, readers never see end-of-file between writers, data waits for the next reader'
complete -c fifo -n "__fish_fifo_needs_command" -f -a "wait" -d 'Wait, never opening anything, until each FIFO exists, has a reader or a writer, or has data waiting in it or none'
complete -c fifo -n "__fish_fifo_needs_command" -f -a "completions" -d 'Print the completion script for a shell'
complete -c fifo -n "__fish_fifo_needs_command" -f -a "man" -d 'Print the man page, or write all of them into a directory'
complete -c fifo -n "__fish_fifo_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fifo -n "__fish_fifo_using_subcommand mk" -s m -l mode -d 'Permission mode, octal (640) or symbolic (u=rw,g=r,o=), computed as mkfifo(1) does and applied exactly, regardless of the umask for octal and explicit classes. Symbolic modes start from a=rw, so u=rw,g=r leaves others rw: add o= to shut them out. Default 0600, private, as careful programs make them; mkfifo(1) would give 0666 & ~umask' -r
complete -c fifo -n "__fish_fifo_using_subcommand mk" -l dir -d 'With --temp: make the directory under DIR instead of $TMPDIR' -r -F
complete -c fifo -n "__fish_fifo_using_subcommand mk" -s p -l parents -d 'Create missing parent directories'
complete -c fifo -n "__fish_fifo_using_subcommand mk" -l exist-ok -d 'Succeed when PATH already is a FIFO (fail when it is anything else)'
complete -c fifo -n "__fish_fifo_using_subcommand mk" -l temp -d 'Create one FIFO (named NAME, default "fifo") in a new private (0700) directory and print its path: the race-free `mktemp -u`'
complete -c fifo -n "__fish_fifo_using_subcommand mk" -s h -l help -d 'Print help'
complete -c fifo -n "__fish_fifo_using_subcommand mk" -s V -l version -d 'Print version'
complete -c fifo -n "__fish_fifo_using_subcommand cat" -s t -l timeout -d 'Give up (status 124) if no writer opens a FIFO within DUR' -r
complete -c fifo -n "__fish_fifo_using_subcommand cat" -l idle -d 'Stop after DUR without data' -r
complete -c fifo -n "__fish_fifo_using_subcommand cat" -s c -l bytes -d 'Stop after N bytes; the rest stays in the FIFO. Takes an flock(2) lock on the FIFO while reading, so concurrent readers take turns' -r
complete -c fifo -n "__fish_fifo_using_subcommand cat" -s l -l lines -d 'Stop after N lines; the rest stays in the FIFO. Takes an flock(2) lock on the FIFO while reading, so concurrent readers each get whole lines (other programs can take it too: flock(1) on a descriptor)' -r
complete -c fifo -n "__fish_fifo_using_subcommand cat" -l max-pending -d 'With --frame: refuse the stream (status 1) once messages not yet finished would hold more than BYTES in memory (suffixes K, M, G) [default: no limit]' -r
complete -c fifo -n "__fish_fifo_using_subcommand cat" -l progress -d 'Show a progress meter on stderr: bytes, rate, elapsed; percentage and ETA when the size is known. Drawn only on a terminal unless =always' -r -f -a "auto\t'Only when stderr is a terminal'
always\t'Always: plain lines when stderr is not a terminal'
never\t'Never'"
complete -c fifo -n "__fish_fifo_using_subcommand cat" -l capacity -d 'Set the FIFO\'s pipe capacity to BYTES (suffixes K, M: 64K, 1M) after opening it. Without it, fifo raises every pipe it holds to 1M, or as far as the system allows' -r
complete -c fifo -n "__fish_fifo_using_subcommand cat" -s k -l keep-open -d 'Keep reading after the last writer closes; serve later writers until a limit, --idle, or a signal ends it'
complete -c fifo -n "__fish_fifo_using_subcommand cat" -l create -d 'Make PATH (a FIFO, mode 0600) if it does not exist'
complete -c fifo -n "__fish_fifo_using_subcommand cat" -l rm -d 'Remove the FIFOs --create made when done, also on SIGINT/SIGTERM/SIGHUP'
complete -c fifo -n "__fish_fifo_using_subcommand cat" -l merge -d 'Read all PATHs at once and write whole lines only, so lines from different FIFOs never mix; an unfinished line gets a newline when its writers leave, on --idle or a signal. With -l, only whole lines are consumed'
complete -c fifo -n "__fish_fifo_using_subcommand cat" -l prefix -d 'With --merge: start each line with its source, "PATH: "'
complete -c fifo -n "__fish_fifo_using_subcommand cat" -l frame -d 'Read framed messages (written by fifo send --frame) and write each one whole, in the order they were completed, so that messages of any size from concurrent writers never mix. A message whose writer left before finishing it is never printed, not even in part: a warning says how many were dropped, and the status is 1. Data that is not framed is an error naming its byte offset. Not with -c or -l'
complete -c fifo -n "__fish_fifo_using_subcommand cat" -s 0 -l null -d 'With --frame: write a NUL after each message'
complete -c fifo -n "__fish_fifo_using_subcommand cat" -l json -d 'With --frame: write one JSON object per message, one per line: the writer, the message\'s size and its bytes, as UTF-8 text or base64'
complete -c fifo -n "__fish_fifo_using_subcommand cat" -s v -l verbose -d 'Say what capacity each FIFO\'s pipe got'
complete -c fifo -n "__fish_fifo_using_subcommand cat" -l no-splice -d 'Move data with read and write only (no splice or tee), as on other systems'
complete -c fifo -n "__fish_fifo_using_subcommand cat" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fifo -n "__fish_fifo_using_subcommand cat" -s V -l version -d 'Print version'
complete -c fifo -n "__fish_fifo_using_subcommand send" -s t -l timeout -d 'Give up (status 124) if no reader opens PATH within DUR' -r
complete -c fifo -n "__fish_fifo_using_subcommand send" -l progress -d 'Show a progress meter on stderr: bytes, rate, elapsed; percentage and ETA when the size is known. Drawn only on a terminal unless =always' -r -f -a "auto\t'Only when stderr is a terminal'
always\t'Always: plain lines when stderr is not a terminal'
never\t'Never'"
complete -c fifo -n "__fish_fifo_using_subcommand send" -l capacity -d 'Set the FIFO\'s pipe capacity to BYTES (suffixes K, M: 64K, 1M) after opening it. Without it, fifo raises every pipe it holds to 1M, or as far as the system allows' -r
complete -c fifo -n "__fish_fifo_using_subcommand send" -s n -d 'Do not add a newline (with -0: a NUL) after MESSAGE'
complete -c fifo -n "__fish_fifo_using_subcommand send" -l no-wait -d 'Fail at once (status 3) if nobody is reading'
complete -c fifo -n "__fish_fifo_using_subcommand send" -l create -d 'Make PATH (a FIFO, mode 0600) if it does not exist'
complete -c fifo -n "__fish_fifo_using_subcommand send" -s l -l lines -d 'Send each line whole in one write (at most PIPE_BUF bytes), so concurrent senders never interleave inside a line'
complete -c fifo -n "__fish_fifo_using_subcommand send" -s 0 -l null -d 'Like --lines, for NUL-terminated records (a MESSAGE ends with NUL instead of a newline)'
complete -c fifo -n "__fish_fifo_using_subcommand send" -l frame -d 'Send MESSAGE or stdin as one framed message of any size (with -l or -0: each line or record is its own message, of any size), streamed in chunks that concurrent senders cannot tear apart; read them with fifo cat --frame'
complete -c fifo -n "__fish_fifo_using_subcommand send" -s v -l verbose -d 'Say what capacity each FIFO\'s pipe got'
complete -c fifo -n "__fish_fifo_using_subcommand send" -l no-splice -d 'Move data with read and write only (no splice or tee), as on other systems'
complete -c fifo -n "__fish_fifo_using_subcommand send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fifo -n "__fish_fifo_using_subcommand send" -s V -l version -d 'Print version'
complete -c fifo -n "__fish_fifo_using_subcommand tee" -s t -l timeout -d 'Give up on FIFOs without a reader after DUR (status 124; the others still get everything)' -r
complete -c fifo -n "__fish_fifo_using_subcommand tee" -l output-error -d 'What to do when an output fails [default without the option: warn, drop that output, go on, status 1; the bare option means warn-nopipe]' -r -f -a "warn\t'Warn about every failed output, drop it, go on (status 1)'
warn-nopipe\t'Drop outputs whose reader left silently; warn about other failures'
exit\t'Stop at the first failed output'
exit-nopipe\t'Drop outputs whose reader left silently; stop at other failures'"
complete -c fifo -n "__fish_fifo_using_subcommand tee" -l progress -d 'Show a progress meter on stderr: bytes, rate, elapsed; percentage and ETA when the size is known. Drawn only on a terminal unless =always' -r -f -a "auto\t'Only when stderr is a terminal'
always\t'Always: plain lines when stderr is not a terminal'
never\t'Never'"
complete -c fifo -n "__fish_fifo_using_subcommand tee" -l capacity -d 'Set the FIFO\'s pipe capacity to BYTES (suffixes K, M: 64K, 1M) after opening it. Without it, fifo raises every pipe it holds to 1M, or as far as the system allows' -r
complete -c fifo -n "__fish_fifo_using_subcommand tee" -s a -l append -d 'Append to regular files instead of truncating them'
complete -c fifo -n "__fish_fifo_using_subcommand tee" -l no-wait -d 'Skip FIFOs nobody is reading, with a warning, instead of waiting'
complete -c fifo -n "__fish_fifo_using_subcommand tee" -s v -l verbose -d 'Say what capacity each FIFO\'s pipe got'
complete -c fifo -n "__fish_fifo_using_subcommand tee" -l no-splice -d 'Move data with read and write only (no splice or tee), as on other systems'
complete -c fifo -n "__fish_fifo_using_subcommand tee" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fifo -n "__fish_fifo_using_subcommand tee" -s V -l version -d 'Print version'
complete -c fifo -n "__fish_fifo_using_subcommand redirect" -l fd -d 'The descriptor number to open PATH on (0, 1, 2 or any the system allows)' -r
complete -c fifo -n "__fish_fifo_using_subcommand redirect" -s t -l timeout -d 'With --read or --write: give up (status 124) if the other end does not open PATH within DUR (--rw never waits)' -r
complete -c fifo -n "__fish_fifo_using_subcommand redirect" -l capacity -d 'Set the FIFO\'s pipe capacity to BYTES (suffixes K, M: 64K, 1M) after opening it. Without it, fifo raises every pipe it holds to 1M, or as far as the system allows' -r
complete -c fifo -n "__fish_fifo_using_subcommand redirect" -l read -d 'Open for reading (bash N<): waits for a writer'
complete -c fifo -n "__fish_fifo_using_subcommand redirect" -l write -d 'Open for writing (bash N>): waits for a reader'
complete -c fifo -n "__fish_fifo_using_subcommand redirect" -l rw -d 'Open for reading and writing (bash N<>): never waits'
complete -c fifo -n "__fish_fifo_using_subcommand redirect" -l create -d 'Make PATH (a FIFO, mode 0600) if it does not exist'
complete -c fifo -n "__fish_fifo_using_subcommand redirect" -s v -l verbose -d 'Say what capacity each FIFO\'s pipe got'
complete -c fifo -n "__fish_fifo_using_subcommand redirect" -s h -l help -d 'Print help'
complete -c fifo -n "__fish_fifo_using_subcommand redirect" -s V -l version -d 'Print version'
complete -c fifo -n "__fish_fifo_using_subcommand stat" -s c -l format -d 'Print FMT, plus a newline, per PATH (GNU stat directives; pipe state as %{readers} %{writers} %{opening} %{buffered} %{capacity} %{holders})' -r
complete -c fifo -n "__fish_fifo_using_subcommand stat" -l printf -d 'Like -c, but interpret backslash escapes (\\n, \\t, \\NNN octal, \\xHH) and print no newline of its own' -r
complete -c fifo -n "__fish_fifo_using_subcommand stat" -s t -l timeout -d 'With --wait-reader/--wait-writer: give up after DUR (status 124)' -r
complete -c fifo -n "__fish_fifo_using_subcommand stat" -s L -l dereference -d 'Follow a final symbolic link'
complete -c fifo -n "__fish_fifo_using_subcommand stat" -l json -d 'Print one JSON object per PATH, one per line (JSON Lines; versioned schema in docs/json.md). Holders are "open", or "opening" while blocked in open(2); counts are lower bounds when some processes could not be inspected'
complete -c fifo -n "__fish_fifo_using_subcommand stat" -l wait-reader -d 'First wait until a process holds each PATH open for reading, or is blocked opening it to read (seen in /proc; the FIFO is never opened). Prints nothing unless -c, --printf or --json'
complete -c fifo -n "__fish_fifo_using_subcommand stat" -l wait-writer -d 'First wait until a process holds each PATH open for writing, or is blocked opening it to write'
complete -c fifo -n "__fish_fifo_using_subcommand stat" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fifo -n "__fish_fifo_using_subcommand stat" -s V -l version -d 'Print version'
complete -c fifo -n "__fish_fifo_using_subcommand hold" -l idle -d 'End the hold after DUR in which no other process held any PATH and nothing was buffered' -r
complete -c fifo -n "__fish_fifo_using_subcommand hold" -s t -l timeout -d 'With --stop: give up waiting for a holder to end after DUR (status 124)' -r
complete -c fifo -n "__fish_fifo_using_subcommand hold" -l capacity -d 'Set the FIFO\'s pipe capacity to BYTES (suffixes K, M: 64K, 1M) after opening it. Without it, fifo raises every pipe it holds to 1M, or as far as the system allows' -r
complete -c fifo -n "__fish_fifo_using_subcommand hold" -s b -l background -d 'Detach once every PATH is held, print the holder\'s PID, and return: the hold is in place when the command returns'
complete -c fifo -n "__fish_fifo_using_subcommand hold" -l create -d 'Make PATH (a FIFO, mode 0600) if it does not exist'
complete -c fifo -n "__fish_fifo_using_subcommand hold" -l rm -d 'Remove the FIFOs --create made when the hold ends, also on SIGINT/SIGTERM/SIGHUP'
complete -c fifo -n "__fish_fifo_using_subcommand hold" -l stop -d 'End the fifo hold processes of this user that hold each PATH, and wait until they are gone'
complete -c fifo -n "__fish_fifo_using_subcommand hold" -s v -l verbose -d 'Say what capacity each FIFO\'s pipe got'
complete -c fifo -n "__fish_fifo_using_subcommand hold" -l detached -d 'Run as the detached holder that --background starts'
complete -c fifo -n "__fish_fifo_using_subcommand hold" -s h -l help -d 'Print help'
complete -c fifo -n "__fish_fifo_using_subcommand hold" -s V -l version -d 'Print version'
complete -c fifo -n "__fish_fifo_using_subcommand wait" -s t -l timeout -d 'Give up after DUR (status 124)' -r
complete -c fifo -n "__fish_fifo_using_subcommand wait" -l exists -d 'Until PATH exists and is a FIFO (also when its directory does not exist yet); status 1 if it appears as something else'
complete -c fifo -n "__fish_fifo_using_subcommand wait" -l reader -d 'Until some process holds PATH open for reading, or is blocked opening it to read'
complete -c fifo -n "__fish_fifo_using_subcommand wait" -l writer -d 'Until some process holds PATH open for writing, or is blocked opening it to write'
complete -c fifo -n "__fish_fifo_using_subcommand wait" -l data -d 'Until bytes are waiting in PATH'
complete -c fifo -n "__fish_fifo_using_subcommand wait" -l empty -d 'Until no bytes are waiting in PATH (a FIFO nobody holds is empty)'
complete -c fifo -n "__fish_fifo_using_subcommand wait" -s q -l quiet -d 'Print nothing, not even why it failed: the status says it all'
complete -c fifo -n "__fish_fifo_using_subcommand wait" -s h -l help -d 'Print help'
complete -c fifo -n "__fish_fifo_using_subcommand wait" -s V -l version -d 'Print version'
complete -c fifo -n "__fish_fifo_using_subcommand completions" -s h -l help -d 'Print help'
complete -c fifo -n "__fish_fifo_using_subcommand completions" -s V -l version -d 'Print version'
complete -c fifo -n "__fish_fifo_using_subcommand man" -l dir -d 'Write fifo.1 and one fifo-CMD.1 per command into DIR instead' -r -F
complete -c fifo -n "__fish_fifo_using_subcommand man" -s h -l help -d 'Print help'
complete -c fifo -n "__fish_fifo_using_subcommand man" -s V -l version -d 'Print version'
complete -c fifo -n "__fish_fifo_using_subcommand help; and not __fish_seen_subcommand_from mk cat send tee redirect stat hold wait completions man help" -f -a "mk" -d 'Create named pipes (private, mode 0600, by default)'
complete -c fifo -n "__fish_fifo_using_subcommand help; and not __fish_seen_subcommand_from mk cat send tee redirect stat hold wait completions man help" -f -a "cat" -d 'Copy FIFOs (or files, or stdin) to stdout, waiting for writers'
complete -c fifo -n "__fish_fifo_using_subcommand help; and not __fish_seen_subcommand_from mk cat send tee redirect stat hold wait completions man help" -f -a "send" -d 'Write a message or stdin into a FIFO, waiting for a reader'
complete -c fifo -n "__fish_fifo_using_subcommand help; and not __fish_seen_subcommand_from mk cat send tee redirect stat hold wait completions man help" -f -a "tee" -d 'Copy stdin to stdout and to every PATH, opening FIFOs concurrently'
complete -c fifo -n "__fish_fifo_using_subcommand help; and not __fish_seen_subcommand_from mk cat send tee redirect stat hold wait completions man help" -f -a "redirect" -d 'Open a FIFO on file descriptor N, then run CMD with it'
complete -c fifo -n "__fish_fifo_using_subcommand help; and not __fish_seen_subcommand_from mk cat send tee redirect stat hold wait completions man help" -f -a "stat" -d 'Show what a path is: type, mode, owner, times, and pipe state'
complete -c fifo -n "__fish_fifo_using_subcommand help; and not __fish_seen_subcommand_from mk cat send tee redirect stat hold wait completions man help" -f -a "hold" -d 'Keep FIFOs open at both ends: writers never block, readers never see end-of-file between writers, data waits for the next reader'
complete -c fifo -n "__fish_fifo_using_subcommand help; and not __fish_seen_subcommand_from mk cat send tee redirect stat hold wait completions man help" -f -a "wait" -d 'Wait, never opening anything, until each FIFO exists, has a reader or a writer, or has data waiting in it or none'
complete -c fifo -n "__fish_fifo_using_subcommand help; and not __fish_seen_subcommand_from mk cat send tee redirect stat hold wait completions man help" -f -a "completions" -d 'Print the completion script for a shell'
complete -c fifo -n "__fish_fifo_using_subcommand help; and not __fish_seen_subcommand_from mk cat send tee redirect stat hold wait completions man help" -f -a "man" -d 'Print the man page, or write all of them into a directory'
complete -c fifo -n "__fish_fifo_using_subcommand help; and not __fish_seen_subcommand_from mk cat send tee redirect stat hold wait completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
