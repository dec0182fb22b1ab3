// Command s54 checks UK Modern Slavery Act 2015 section 54 statements.
package main

import (
	"context"
	"os"
)

func main() {
	os.Exit(Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, true))
}
