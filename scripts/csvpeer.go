//go:build ignore

// csvpeer is the yardstick of the validate benchmark: a bare encoding/csv
// read of the same file, nothing else. `go run scripts/csvpeer.go FILE`.
package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"log"
	"os"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<16))
	r.Comma = ';'
	rows := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		rows++
	}
	fmt.Println(rows)
}
