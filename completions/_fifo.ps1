
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'fifo' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'fifo'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'fifo' {
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'Print the command names, one per line (each also runs as a fifo-NAME link)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('mk', 'mk', [CompletionResultType]::ParameterValue, 'Create named pipes (private, mode 0600, by default)')
            [CompletionResult]::new('cat', 'cat', [CompletionResultType]::ParameterValue, 'Copy FIFOs (or files, or stdin) to stdout, waiting for writers')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Write a message or stdin into a FIFO, waiting for a reader')
            [CompletionResult]::new('tee', 'tee', [CompletionResultType]::ParameterValue, 'Copy stdin to stdout and to every PATH, opening FIFOs concurrently')
            [CompletionResult]::new('redirect', 'redirect', [CompletionResultType]::ParameterValue, 'Open a FIFO on file descriptor N, then run CMD with it')
            [CompletionResult]::new('stat', 'stat', [CompletionResultType]::ParameterValue, 'Show what a path is: type, mode, owner, times, and pipe state')
            [CompletionResult]::new('hold', 'hold', [CompletionResultType]::ParameterValue, 'Keep FIFOs open at both ends: writers never block, readers never see end-of-file between writers, data waits for the next reader')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait, never opening anything, until each FIFO exists, has a reader or a writer, or has data waiting in it or none')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page, or write all of them into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fifo;mk' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Permission mode, octal (640) or symbolic (u=rw,g=r,o=), computed as mkfifo(1) does and applied exactly, regardless of the umask for octal and explicit classes. Symbolic modes start from a=rw, so u=rw,g=r leaves others rw: add o= to shut them out. Default 0600, private, as careful programs make them; mkfifo(1) would give 0666 & ~umask')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Permission mode, octal (640) or symbolic (u=rw,g=r,o=), computed as mkfifo(1) does and applied exactly, regardless of the umask for octal and explicit classes. Symbolic modes start from a=rw, so u=rw,g=r leaves others rw: add o= to shut them out. Default 0600, private, as careful programs make them; mkfifo(1) would give 0666 & ~umask')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'With --temp: make the directory under DIR instead of $TMPDIR')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Create missing parent directories')
            [CompletionResult]::new('--parents', '--parents', [CompletionResultType]::ParameterName, 'Create missing parent directories')
            [CompletionResult]::new('--exist-ok', '--exist-ok', [CompletionResultType]::ParameterName, 'Succeed when PATH already is a FIFO (fail when it is anything else)')
            [CompletionResult]::new('--temp', '--temp', [CompletionResultType]::ParameterName, 'Create one FIFO (named NAME, default "fifo") in a new private (0700) directory and print its path: the race-free `mktemp -u`')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'fifo;cat' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Give up (status 124) if no writer opens a FIFO within DUR')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up (status 124) if no writer opens a FIFO within DUR')
            [CompletionResult]::new('--idle', '--idle', [CompletionResultType]::ParameterName, 'Stop after DUR without data')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Stop after N bytes; the rest stays in the FIFO. Takes an flock(2) lock on the FIFO while reading, so concurrent readers take turns')
            [CompletionResult]::new('--bytes', '--bytes', [CompletionResultType]::ParameterName, 'Stop after N bytes; the rest stays in the FIFO. Takes an flock(2) lock on the FIFO while reading, so concurrent readers take turns')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Stop after N lines; the rest stays in the FIFO. Takes an flock(2) lock on the FIFO while reading, so concurrent readers each get whole lines (other programs can take it too: flock(1) on a descriptor)')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'Stop after N lines; the rest stays in the FIFO. Takes an flock(2) lock on the FIFO while reading, so concurrent readers each get whole lines (other programs can take it too: flock(1) on a descriptor)')
            [CompletionResult]::new('--max-pending', '--max-pending', [CompletionResultType]::ParameterName, 'With --frame: refuse the stream (status 1) once messages not yet finished would hold more than BYTES in memory (suffixes K, M, G) [default: no limit]')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'Show a progress meter on stderr: bytes, rate, elapsed; percentage and ETA when the size is known. Drawn only on a terminal unless =always')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Set the FIFO''s pipe capacity to BYTES (suffixes K, M: 64K, 1M) after opening it. Without it, fifo raises every pipe it holds to 1M, or as far as the system allows')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keep reading after the last writer closes; serve later writers until a limit, --idle, or a signal ends it')
            [CompletionResult]::new('--keep-open', '--keep-open', [CompletionResultType]::ParameterName, 'Keep reading after the last writer closes; serve later writers until a limit, --idle, or a signal ends it')
            [CompletionResult]::new('--create', '--create', [CompletionResultType]::ParameterName, 'Make PATH (a FIFO, mode 0600) if it does not exist')
            [CompletionResult]::new('--rm', '--rm', [CompletionResultType]::ParameterName, 'Remove the FIFOs --create made when done, also on SIGINT/SIGTERM/SIGHUP')
            [CompletionResult]::new('--merge', '--merge', [CompletionResultType]::ParameterName, 'Read all PATHs at once and write whole lines only, so lines from different FIFOs never mix; an unfinished line gets a newline when its writers leave, on --idle or a signal. With -l, only whole lines are consumed')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'With --merge: start each line with its source, "PATH: "')
            [CompletionResult]::new('--frame', '--frame', [CompletionResultType]::ParameterName, 'Read framed messages (written by fifo send --frame) and write each one whole, in the order they were completed, so that messages of any size from concurrent writers never mix. A message whose writer left before finishing it is never printed, not even in part: a warning says how many were dropped, and the status is 1. Data that is not framed is an error naming its byte offset. Not with -c or -l')
            [CompletionResult]::new('-0', '-0', [CompletionResultType]::ParameterName, 'With --frame: write a NUL after each message')
            [CompletionResult]::new('--null', '--null', [CompletionResultType]::ParameterName, 'With --frame: write a NUL after each message')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'With --frame: write one JSON object per message, one per line: the writer, the message''s size and its bytes, as UTF-8 text or base64')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what capacity each FIFO''s pipe got')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what capacity each FIFO''s pipe got')
            [CompletionResult]::new('--no-splice', '--no-splice', [CompletionResultType]::ParameterName, 'Move data with read and write only (no splice or tee), as on other systems')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'fifo;send' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Give up (status 124) if no reader opens PATH within DUR')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up (status 124) if no reader opens PATH within DUR')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'Show a progress meter on stderr: bytes, rate, elapsed; percentage and ETA when the size is known. Drawn only on a terminal unless =always')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Set the FIFO''s pipe capacity to BYTES (suffixes K, M: 64K, 1M) after opening it. Without it, fifo raises every pipe it holds to 1M, or as far as the system allows')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Do not add a newline (with -0: a NUL) after MESSAGE')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Fail at once (status 3) if nobody is reading')
            [CompletionResult]::new('--create', '--create', [CompletionResultType]::ParameterName, 'Make PATH (a FIFO, mode 0600) if it does not exist')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Send each line whole in one write (at most PIPE_BUF bytes), so concurrent senders never interleave inside a line')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'Send each line whole in one write (at most PIPE_BUF bytes), so concurrent senders never interleave inside a line')
            [CompletionResult]::new('-0', '-0', [CompletionResultType]::ParameterName, 'Like --lines, for NUL-terminated records (a MESSAGE ends with NUL instead of a newline)')
            [CompletionResult]::new('--null', '--null', [CompletionResultType]::ParameterName, 'Like --lines, for NUL-terminated records (a MESSAGE ends with NUL instead of a newline)')
            [CompletionResult]::new('--frame', '--frame', [CompletionResultType]::ParameterName, 'Send MESSAGE or stdin as one framed message of any size (with -l or -0: each line or record is its own message, of any size), streamed in chunks that concurrent senders cannot tear apart; read them with fifo cat --frame')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what capacity each FIFO''s pipe got')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what capacity each FIFO''s pipe got')
            [CompletionResult]::new('--no-splice', '--no-splice', [CompletionResultType]::ParameterName, 'Move data with read and write only (no splice or tee), as on other systems')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'fifo;tee' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Give up on FIFOs without a reader after DUR (status 124; the others still get everything)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on FIFOs without a reader after DUR (status 124; the others still get everything)')
            [CompletionResult]::new('--output-error', '--output-error', [CompletionResultType]::ParameterName, 'What to do when an output fails [default without the option: warn, drop that output, go on, status 1; the bare option means warn-nopipe]')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'Show a progress meter on stderr: bytes, rate, elapsed; percentage and ETA when the size is known. Drawn only on a terminal unless =always')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Set the FIFO''s pipe capacity to BYTES (suffixes K, M: 64K, 1M) after opening it. Without it, fifo raises every pipe it holds to 1M, or as far as the system allows')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Append to regular files instead of truncating them')
            [CompletionResult]::new('--append', '--append', [CompletionResultType]::ParameterName, 'Append to regular files instead of truncating them')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Skip FIFOs nobody is reading, with a warning, instead of waiting')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what capacity each FIFO''s pipe got')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what capacity each FIFO''s pipe got')
            [CompletionResult]::new('--no-splice', '--no-splice', [CompletionResultType]::ParameterName, 'Move data with read and write only (no splice or tee), as on other systems')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'fifo;redirect' {
            [CompletionResult]::new('--fd', '--fd', [CompletionResultType]::ParameterName, 'The descriptor number to open PATH on (0, 1, 2 or any the system allows)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'With --read or --write: give up (status 124) if the other end does not open PATH within DUR (--rw never waits)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --read or --write: give up (status 124) if the other end does not open PATH within DUR (--rw never waits)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Set the FIFO''s pipe capacity to BYTES (suffixes K, M: 64K, 1M) after opening it. Without it, fifo raises every pipe it holds to 1M, or as far as the system allows')
            [CompletionResult]::new('--read', '--read', [CompletionResultType]::ParameterName, 'Open for reading (bash N<): waits for a writer')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'Open for writing (bash N>): waits for a reader')
            [CompletionResult]::new('--rw', '--rw', [CompletionResultType]::ParameterName, 'Open for reading and writing (bash N<>): never waits')
            [CompletionResult]::new('--create', '--create', [CompletionResultType]::ParameterName, 'Make PATH (a FIFO, mode 0600) if it does not exist')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what capacity each FIFO''s pipe got')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what capacity each FIFO''s pipe got')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'fifo;stat' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Print FMT, plus a newline, per PATH (GNU stat directives; pipe state as %{readers} %{writers} %{opening} %{buffered} %{capacity} %{holders})')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Print FMT, plus a newline, per PATH (GNU stat directives; pipe state as %{readers} %{writers} %{opening} %{buffered} %{capacity} %{holders})')
            [CompletionResult]::new('--printf', '--printf', [CompletionResultType]::ParameterName, 'Like -c, but interpret backslash escapes (\n, \t, \NNN octal, \xHH) and print no newline of its own')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'With --wait-reader/--wait-writer: give up after DUR (status 124)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --wait-reader/--wait-writer: give up after DUR (status 124)')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Follow a final symbolic link')
            [CompletionResult]::new('--dereference', '--dereference', [CompletionResultType]::ParameterName, 'Follow a final symbolic link')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per PATH, one per line (JSON Lines; versioned schema in docs/json.md). Holders are "open", or "opening" while blocked in open(2); counts are lower bounds when some processes could not be inspected')
            [CompletionResult]::new('--wait-reader', '--wait-reader', [CompletionResultType]::ParameterName, 'First wait until a process holds each PATH open for reading, or is blocked opening it to read (seen in /proc; the FIFO is never opened). Prints nothing unless -c, --printf or --json')
            [CompletionResult]::new('--wait-writer', '--wait-writer', [CompletionResultType]::ParameterName, 'First wait until a process holds each PATH open for writing, or is blocked opening it to write')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'fifo;hold' {
            [CompletionResult]::new('--idle', '--idle', [CompletionResultType]::ParameterName, 'End the hold after DUR in which no other process held any PATH and nothing was buffered')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'With --stop: give up waiting for a holder to end after DUR (status 124)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --stop: give up waiting for a holder to end after DUR (status 124)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Set the FIFO''s pipe capacity to BYTES (suffixes K, M: 64K, 1M) after opening it. Without it, fifo raises every pipe it holds to 1M, or as far as the system allows')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Detach once every PATH is held, print the holder''s PID, and return: the hold is in place when the command returns')
            [CompletionResult]::new('--background', '--background', [CompletionResultType]::ParameterName, 'Detach once every PATH is held, print the holder''s PID, and return: the hold is in place when the command returns')
            [CompletionResult]::new('--create', '--create', [CompletionResultType]::ParameterName, 'Make PATH (a FIFO, mode 0600) if it does not exist')
            [CompletionResult]::new('--rm', '--rm', [CompletionResultType]::ParameterName, 'Remove the FIFOs --create made when the hold ends, also on SIGINT/SIGTERM/SIGHUP')
            [CompletionResult]::new('--stop', '--stop', [CompletionResultType]::ParameterName, 'End the fifo hold processes of this user that hold each PATH, and wait until they are gone')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say what capacity each FIFO''s pipe got')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say what capacity each FIFO''s pipe got')
            [CompletionResult]::new('--detached', '--detached', [CompletionResultType]::ParameterName, 'Run as the detached holder that --background starts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'fifo;wait' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Give up after DUR (status 124)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after DUR (status 124)')
            [CompletionResult]::new('--exists', '--exists', [CompletionResultType]::ParameterName, 'Until PATH exists and is a FIFO (also when its directory does not exist yet); status 1 if it appears as something else')
            [CompletionResult]::new('--reader', '--reader', [CompletionResultType]::ParameterName, 'Until some process holds PATH open for reading, or is blocked opening it to read')
            [CompletionResult]::new('--writer', '--writer', [CompletionResultType]::ParameterName, 'Until some process holds PATH open for writing, or is blocked opening it to write')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Until bytes are waiting in PATH')
            [CompletionResult]::new('--empty', '--empty', [CompletionResultType]::ParameterName, 'Until no bytes are waiting in PATH (a FIFO nobody holds is empty)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing, not even why it failed: the status says it all')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing, not even why it failed: the status says it all')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'fifo;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'fifo;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write fifo.1 and one fifo-CMD.1 per command into DIR instead')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'fifo;help' {
            [CompletionResult]::new('mk', 'mk', [CompletionResultType]::ParameterValue, 'Create named pipes (private, mode 0600, by default)')
            [CompletionResult]::new('cat', 'cat', [CompletionResultType]::ParameterValue, 'Copy FIFOs (or files, or stdin) to stdout, waiting for writers')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Write a message or stdin into a FIFO, waiting for a reader')
            [CompletionResult]::new('tee', 'tee', [CompletionResultType]::ParameterValue, 'Copy stdin to stdout and to every PATH, opening FIFOs concurrently')
            [CompletionResult]::new('redirect', 'redirect', [CompletionResultType]::ParameterValue, 'Open a FIFO on file descriptor N, then run CMD with it')
            [CompletionResult]::new('stat', 'stat', [CompletionResultType]::ParameterValue, 'Show what a path is: type, mode, owner, times, and pipe state')
            [CompletionResult]::new('hold', 'hold', [CompletionResultType]::ParameterValue, 'Keep FIFOs open at both ends: writers never block, readers never see end-of-file between writers, data waits for the next reader')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait, never opening anything, until each FIFO exists, has a reader or a writer, or has data waiting in it or none')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page, or write all of them into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fifo;help;mk' {
            break
        }
        'fifo;help;cat' {
            break
        }
        'fifo;help;send' {
            break
        }
        'fifo;help;tee' {
            break
        }
        'fifo;help;redirect' {
            break
        }
        'fifo;help;stat' {
            break
        }
        'fifo;help;hold' {
            break
        }
        'fifo;help;wait' {
            break
        }
        'fifo;help;completions' {
            break
        }
        'fifo;help;man' {
            break
        }
        'fifo;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
