// Command s54 checks UK Modern Slavery Act 2015 section 54 statements.
package main

import (
	"context"
	"os"

	"github.com/s54dev/s54/extract"
)

func main() {
	extract.RunChildIfRequested() // a PDF child process does its work and exits here
	os.Exit(Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, true))
}
