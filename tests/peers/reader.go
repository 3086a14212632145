// A Go reader, bounded: it makes the FIFO with
// syscall.Mkfifo(path, 0600) when missing, then prints each byte it reads
// until end of file.
package main

import (
	"bufio"
	"fmt"
	"io"
	"log"
	"os"
	"syscall"
)

func main() {
	path := os.Args[1]
	if _, err := os.Stat(path); os.IsNotExist(err) {
		if err := syscall.Mkfifo(path, 0600); err != nil {
			log.Panicln(err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		log.Panicln(err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	for {
		b, err := r.ReadByte()
		if err == io.EOF {
			return
		}
		if err != nil {
			log.Panicln(err)
		}
		fmt.Printf("read : %d\n", b)
	}
}
