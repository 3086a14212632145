complete --keep-order --exclusive --command fifo --arguments "(FIFO_COMPLETE=fish fifo -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
# fifo-CMD links complete like fifo CMD.
for link in fifo-mk fifo-cat fifo-send fifo-tee fifo-redirect fifo-stat fifo-hold fifo-wait fifo-serve fifo-call fifo-bridge fifo-completions fifo-man
    complete --keep-order --exclusive --command $link --arguments "(FIFO_COMPLETE=fish fifo -- fifo (string replace fifo- '' -- $link) (commandline --current-process --tokenize --cut-at-cursor)[2..] (commandline --current-token))"
end
