// A Go writer, bounded: it opens an existing FIFO with
// os.OpenFile(path, os.O_WRONLY, 0) and writes the bytes 0..count-1, one
// little-endian uint8 per write, without a one-second sleep between writes.
package main

import (
	"bytes"
	"encoding/binary"
	"log"
	"os"
	"strconv"
)

func main() {
	path := os.Args[1]
	count, err := strconv.Atoi(os.Args[2])
	if err != nil {
		log.Panicln(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		log.Panicln(err)
	}
	defer f.Close()
	for i := 0; i < count; i++ {
		b := new(bytes.Buffer)
		if err := binary.Write(b, binary.LittleEndian, uint8(i)); err != nil {
			log.Panicln(err)
		}
		if _, err := f.Write(b.Bytes()); err != nil {
			log.Panicln(err)
		}
	}
}
