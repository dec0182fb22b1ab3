//go:build !unix

package main

import "os"

// maxRSS is not measured where the system reports no rusage.
func maxRSS(*os.ProcessState) int64 { return 0 }
