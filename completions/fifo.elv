
use builtin;
use str;

set edit:completion:arg-completer[fifo] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'fifo'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'fifo'= {
            cand --list 'Print the command names, one per line (each also runs as a fifo-NAME link)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand mk 'Create named pipes (private, mode 0600, by default)'
            cand cat 'Copy FIFOs (or files, or stdin) to stdout, waiting for writers'
            cand send 'Write a message or stdin into a FIFO, waiting for a reader'
            cand tee 'Copy stdin to stdout and to every PATH, opening FIFOs concurrently'
            cand redirect 'Open a FIFO on file descriptor N, then run CMD with it'
            cand stat 'Show what a path is: type, mode, owner, times, and pipe state'
            cand hold 'Keep FIFOs open at both ends: writers never block, readers never see end-of-file between writers, data waits for the next reader'
            cand wait 'Wait, never opening anything, until each FIFO exists, has a reader or a writer, or has data waiting in it or none'
            cand completions 'Print the completion script for a shell'
            cand man 'Print the man page, or write all of them into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fifo;mk'= {
            cand -m 'Permission mode, octal (640) or symbolic (u=rw,g=r,o=), computed as mkfifo(1) does and applied exactly, regardless of the umask for octal and explicit classes. Symbolic modes start from a=rw, so u=rw,g=r leaves others rw: add o= to shut them out. Default 0600, private, as careful programs make them; mkfifo(1) would give 0666 & ~umask'
            cand --mode 'Permission mode, octal (640) or symbolic (u=rw,g=r,o=), computed as mkfifo(1) does and applied exactly, regardless of the umask for octal and explicit classes. Symbolic modes start from a=rw, so u=rw,g=r leaves others rw: add o= to shut them out. Default 0600, private, as careful programs make them; mkfifo(1) would give 0666 & ~umask'
            cand --dir 'With --temp: make the directory under DIR instead of $TMPDIR'
            cand -p 'Create missing parent directories'
            cand --parents 'Create missing parent directories'
            cand --exist-ok 'Succeed when PATH already is a FIFO (fail when it is anything else)'
            cand --temp 'Create one FIFO (named NAME, default "fifo") in a new private (0700) directory and print its path: the race-free `mktemp -u`'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'fifo;cat'= {
            cand -t 'Give up (status 124) if no writer opens a FIFO within DUR'
            cand --timeout 'Give up (status 124) if no writer opens a FIFO within DUR'
            cand --idle 'Stop after DUR without data'
            cand -c 'Stop after N bytes; the rest stays in the FIFO. Takes an flock(2) lock on the FIFO while reading, so concurrent readers take turns'
            cand --bytes 'Stop after N bytes; the rest stays in the FIFO. Takes an flock(2) lock on the FIFO while reading, so concurrent readers take turns'
            cand -l 'Stop after N lines; the rest stays in the FIFO. Takes an flock(2) lock on the FIFO while reading, so concurrent readers each get whole lines (other programs can take it too: flock(1) on a descriptor)'
            cand --lines 'Stop after N lines; the rest stays in the FIFO. Takes an flock(2) lock on the FIFO while reading, so concurrent readers each get whole lines (other programs can take it too: flock(1) on a descriptor)'
            cand --max-pending 'With --frame: refuse the stream (status 1) once messages not yet finished would hold more than BYTES in memory (suffixes K, M, G) [default: no limit]'
            cand --progress 'Show a progress meter on stderr: bytes, rate, elapsed; percentage and ETA when the size is known. Drawn only on a terminal unless =always'
            cand --capacity 'Set the FIFO''s pipe capacity to BYTES (suffixes K, M: 64K, 1M) after opening it. Without it, fifo raises every pipe it holds to 1M, or as far as the system allows'
            cand -k 'Keep reading after the last writer closes; serve later writers until a limit, --idle, or a signal ends it'
            cand --keep-open 'Keep reading after the last writer closes; serve later writers until a limit, --idle, or a signal ends it'
            cand --create 'Make PATH (a FIFO, mode 0600) if it does not exist'
            cand --rm 'Remove the FIFOs --create made when done, also on SIGINT/SIGTERM/SIGHUP'
            cand --merge 'Read all PATHs at once and write whole lines only, so lines from different FIFOs never mix; an unfinished line gets a newline when its writers leave, on --idle or a signal. With -l, only whole lines are consumed'
            cand --prefix 'With --merge: start each line with its source, "PATH: "'
            cand --frame 'Read framed messages (written by fifo send --frame) and write each one whole, in the order they were completed, so that messages of any size from concurrent writers never mix. A message whose writer left before finishing it is never printed, not even in part: a warning says how many were dropped, and the status is 1. Data that is not framed is an error naming its byte offset. Not with -c or -l'
            cand -0 'With --frame: write a NUL after each message'
            cand --null 'With --frame: write a NUL after each message'
            cand --json 'With --frame: write one JSON object per message, one per line: the writer, the message''s size and its bytes, as UTF-8 text or base64'
            cand -v 'Say what capacity each FIFO''s pipe got'
            cand --verbose 'Say what capacity each FIFO''s pipe got'
            cand --no-splice 'Move data with read and write only (no splice or tee), as on other systems'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'fifo;send'= {
            cand -t 'Give up (status 124) if no reader opens PATH within DUR'
            cand --timeout 'Give up (status 124) if no reader opens PATH within DUR'
            cand --progress 'Show a progress meter on stderr: bytes, rate, elapsed; percentage and ETA when the size is known. Drawn only on a terminal unless =always'
            cand --capacity 'Set the FIFO''s pipe capacity to BYTES (suffixes K, M: 64K, 1M) after opening it. Without it, fifo raises every pipe it holds to 1M, or as far as the system allows'
            cand -n 'Do not add a newline (with -0: a NUL) after MESSAGE'
            cand --no-wait 'Fail at once (status 3) if nobody is reading'
            cand --create 'Make PATH (a FIFO, mode 0600) if it does not exist'
            cand -l 'Send each line whole in one write (at most PIPE_BUF bytes), so concurrent senders never interleave inside a line'
            cand --lines 'Send each line whole in one write (at most PIPE_BUF bytes), so concurrent senders never interleave inside a line'
            cand -0 'Like --lines, for NUL-terminated records (a MESSAGE ends with NUL instead of a newline)'
            cand --null 'Like --lines, for NUL-terminated records (a MESSAGE ends with NUL instead of a newline)'
            cand --frame 'Send MESSAGE or stdin as one framed message of any size (with -l or -0: each line or record is its own message, of any size), streamed in chunks that concurrent senders cannot tear apart; read them with fifo cat --frame'
            cand -v 'Say what capacity each FIFO''s pipe got'
            cand --verbose 'Say what capacity each FIFO''s pipe got'
            cand --no-splice 'Move data with read and write only (no splice or tee), as on other systems'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'fifo;tee'= {
            cand -t 'Give up on FIFOs without a reader after DUR (status 124; the others still get everything)'
            cand --timeout 'Give up on FIFOs without a reader after DUR (status 124; the others still get everything)'
            cand --output-error 'What to do when an output fails [default without the option: warn, drop that output, go on, status 1; the bare option means warn-nopipe]'
            cand --progress 'Show a progress meter on stderr: bytes, rate, elapsed; percentage and ETA when the size is known. Drawn only on a terminal unless =always'
            cand --capacity 'Set the FIFO''s pipe capacity to BYTES (suffixes K, M: 64K, 1M) after opening it. Without it, fifo raises every pipe it holds to 1M, or as far as the system allows'
            cand -a 'Append to regular files instead of truncating them'
            cand --append 'Append to regular files instead of truncating them'
            cand --no-wait 'Skip FIFOs nobody is reading, with a warning, instead of waiting'
            cand -v 'Say what capacity each FIFO''s pipe got'
            cand --verbose 'Say what capacity each FIFO''s pipe got'
            cand --no-splice 'Move data with read and write only (no splice or tee), as on other systems'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'fifo;redirect'= {
            cand --fd 'The descriptor number to open PATH on (0, 1, 2 or any the system allows)'
            cand -t 'With --read or --write: give up (status 124) if the other end does not open PATH within DUR (--rw never waits)'
            cand --timeout 'With --read or --write: give up (status 124) if the other end does not open PATH within DUR (--rw never waits)'
            cand --capacity 'Set the FIFO''s pipe capacity to BYTES (suffixes K, M: 64K, 1M) after opening it. Without it, fifo raises every pipe it holds to 1M, or as far as the system allows'
            cand --read 'Open for reading (bash N<): waits for a writer'
            cand --write 'Open for writing (bash N>): waits for a reader'
            cand --rw 'Open for reading and writing (bash N<>): never waits'
            cand --create 'Make PATH (a FIFO, mode 0600) if it does not exist'
            cand -v 'Say what capacity each FIFO''s pipe got'
            cand --verbose 'Say what capacity each FIFO''s pipe got'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'fifo;stat'= {
            cand -c 'Print FMT, plus a newline, per PATH (GNU stat directives; pipe state as %{readers} %{writers} %{opening} %{buffered} %{capacity} %{holders})'
            cand --format 'Print FMT, plus a newline, per PATH (GNU stat directives; pipe state as %{readers} %{writers} %{opening} %{buffered} %{capacity} %{holders})'
            cand --printf 'Like -c, but interpret backslash escapes (\n, \t, \NNN octal, \xHH) and print no newline of its own'
            cand -t 'With --wait-reader/--wait-writer: give up after DUR (status 124)'
            cand --timeout 'With --wait-reader/--wait-writer: give up after DUR (status 124)'
            cand -L 'Follow a final symbolic link'
            cand --dereference 'Follow a final symbolic link'
            cand --json 'Print one JSON object per PATH, one per line (JSON Lines; versioned schema in docs/json.md). Holders are "open", or "opening" while blocked in open(2); counts are lower bounds when some processes could not be inspected'
            cand --wait-reader 'First wait until a process holds each PATH open for reading, or is blocked opening it to read (seen in /proc; the FIFO is never opened). Prints nothing unless -c, --printf or --json'
            cand --wait-writer 'First wait until a process holds each PATH open for writing, or is blocked opening it to write'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'fifo;hold'= {
            cand --idle 'End the hold after DUR in which no other process held any PATH and nothing was buffered'
            cand -t 'With --stop: give up waiting for a holder to end after DUR (status 124)'
            cand --timeout 'With --stop: give up waiting for a holder to end after DUR (status 124)'
            cand --capacity 'Set the FIFO''s pipe capacity to BYTES (suffixes K, M: 64K, 1M) after opening it. Without it, fifo raises every pipe it holds to 1M, or as far as the system allows'
            cand -b 'Detach once every PATH is held, print the holder''s PID, and return: the hold is in place when the command returns'
            cand --background 'Detach once every PATH is held, print the holder''s PID, and return: the hold is in place when the command returns'
            cand --create 'Make PATH (a FIFO, mode 0600) if it does not exist'
            cand --rm 'Remove the FIFOs --create made when the hold ends, also on SIGINT/SIGTERM/SIGHUP'
            cand --stop 'End the fifo hold processes of this user that hold each PATH, and wait until they are gone'
            cand -v 'Say what capacity each FIFO''s pipe got'
            cand --verbose 'Say what capacity each FIFO''s pipe got'
            cand --detached 'Run as the detached holder that --background starts'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'fifo;wait'= {
            cand -t 'Give up after DUR (status 124)'
            cand --timeout 'Give up after DUR (status 124)'
            cand --exists 'Until PATH exists and is a FIFO (also when its directory does not exist yet); status 1 if it appears as something else'
            cand --reader 'Until some process holds PATH open for reading, or is blocked opening it to read'
            cand --writer 'Until some process holds PATH open for writing, or is blocked opening it to write'
            cand --data 'Until bytes are waiting in PATH'
            cand --empty 'Until no bytes are waiting in PATH (a FIFO nobody holds is empty)'
            cand -q 'Print nothing, not even why it failed: the status says it all'
            cand --quiet 'Print nothing, not even why it failed: the status says it all'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'fifo;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'fifo;man'= {
            cand --dir 'Write fifo.1 and one fifo-CMD.1 per command into DIR instead'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'fifo;help'= {
            cand mk 'Create named pipes (private, mode 0600, by default)'
            cand cat 'Copy FIFOs (or files, or stdin) to stdout, waiting for writers'
            cand send 'Write a message or stdin into a FIFO, waiting for a reader'
            cand tee 'Copy stdin to stdout and to every PATH, opening FIFOs concurrently'
            cand redirect 'Open a FIFO on file descriptor N, then run CMD with it'
            cand stat 'Show what a path is: type, mode, owner, times, and pipe state'
            cand hold 'Keep FIFOs open at both ends: writers never block, readers never see end-of-file between writers, data waits for the next reader'
            cand wait 'Wait, never opening anything, until each FIFO exists, has a reader or a writer, or has data waiting in it or none'
            cand completions 'Print the completion script for a shell'
            cand man 'Print the man page, or write all of them into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fifo;help;mk'= {
        }
        &'fifo;help;cat'= {
        }
        &'fifo;help;send'= {
        }
        &'fifo;help;tee'= {
        }
        &'fifo;help;redirect'= {
        }
        &'fifo;help;stat'= {
        }
        &'fifo;help;hold'= {
        }
        &'fifo;help;wait'= {
        }
        &'fifo;help;completions'= {
        }
        &'fifo;help;man'= {
        }
        &'fifo;help;help'= {
        }
    ]
    $completions[$command]
}
