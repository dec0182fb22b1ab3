package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/s54dev/s54/internal/procstat"
)

// folder checks a folder of n PDFs (the corpus files repeated) with
// `s54 check --json DIR`, against pdftotext run on each file in turn: the
// case of a partnership checking a folder of statements, where s54's
// worker processes amortise their start and use every core. It reports
// the fastest of o.runs for each, and the peak resident memory of any one
// of s54's PDF workers.
func folder(o options, files []string, n int) error {
	dir, err := os.MkdirTemp("", "pdfbench-folder-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var copies []string
	for i := 0; i < n; i++ {
		src := files[i%len(files)]
		data, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, fmt.Sprintf("%03d-%s", i, filepath.Base(src)))
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return err
		}
		copies = append(copies, dst)
	}

	var s54Best, popplerBest time.Duration
	var workerPeak int64
	var read, failed int
	for run := 0; run < max(o.runs, 1); run++ {
		cmd := exec.Command(o.s54, "check", "--json", dir)
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		start := time.Now()
		if err := cmd.Start(); err != nil {
			return err
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var peak int64
		wg.Go(func() { peak = pollChildrenPeak(cmd.Process.Pid, stop) })
		cmd.Wait() // exit 3 (a statement below the minimum) is expected
		elapsed := time.Since(start)
		close(stop)
		wg.Wait()
		workerPeak = max(workerPeak, peak)
		read, failed = 0, 0
		sc := bufio.NewScanner(&stdout)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			var r struct {
				Error string `json:"error"`
			}
			if json.Unmarshal(sc.Bytes(), &r) == nil && r.Error == "" {
				read++
			} else {
				failed++
			}
		}
		if run == 0 || elapsed < s54Best {
			s54Best = elapsed
		}

		start = time.Now()
		for _, f := range copies {
			exec.Command("pdftotext", "-enc", "UTF-8", f, "-").Run()
		}
		if elapsed := time.Since(start); run == 0 || elapsed < popplerBest {
			popplerBest = elapsed
		}
	}
	fmt.Fprintf(o.out, "folder          %d PDFs: s54 check --json DIR %.0f ms, pdftotext on each %.0f ms, ratio %.2fx (target 0.8x or less); %d read, %d not\n",
		n, ms(s54Best), ms(popplerBest), ratio(s54Best, popplerBest), read, failed)
	fmt.Fprintf(o.out, "worker RSS      %.1f MB at most for one PDF worker process\n", float64(workerPeak)/(1<<20))
	return nil
}

// pollChildrenPeak samples the peak resident memory (VmHWM) of pid's
// child processes until stop is closed, and returns the largest seen.
func pollChildrenPeak(pid int, stop <-chan struct{}) int64 {
	var peak int64
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
		for _, t := range tasks {
			b, _ := os.ReadFile(t)
			for _, c := range strings.Fields(string(b)) {
				peak = max(peak, procstat.Bytes(c, "VmHWM"))
			}
		}
		select {
		case <-stop:
			return peak
		case <-tick.C:
		}
	}
}
