
set edit:completion:arg-completer[fifo] = { |@words|
    var index = (count $words)
    set index = (- $index 1)

    put (env _CLAP_IFS="\n" _CLAP_COMPLETE_INDEX=(to-string $index) FIFO_COMPLETE="elvish" fifo -- $@words) | to-lines
}

