package crawler

import (
	"os"
	"strconv"
	"strings"
)

// treeRSS is the memory of pid and its descendants, read from /proc: the
// proportional set size, where shared pages count once across the
// processes sharing them (a browser's processes share much), else the
// resident set size; 0 when it cannot be read.
func treeRSS(root int) int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	children := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid …: comm may hold spaces and parentheses
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(f[1]); err == nil {
			children[ppid] = append(children[ppid], pid)
		}
	}
	page := int64(os.Getpagesize())
	var total int64
	seen := map[int]bool{}
	todo := []int{root}
	for len(todo) > 0 {
		pid := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[pid] {
			continue
		}
		seen[pid] = true
		total += processMemory(pid, page)
		todo = append(todo, children[pid]...)
	}
	return total
}

// processMemory is a process's proportional set size, else its resident
// set size, in bytes.
func processMemory(pid int, page int64) int64 {
	dir := "/proc/" + strconv.Itoa(pid)
	if rollup, err := os.ReadFile(dir + "/smaps_rollup"); err == nil {
		for line := range strings.Lines(string(rollup)) {
			if rest, ok := strings.CutPrefix(line, "Pss:"); ok {
				if f := strings.Fields(rest); len(f) >= 1 {
					if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
						return kb << 10
					}
				}
			}
		}
	}
	if statm, err := os.ReadFile(dir + "/statm"); err == nil {
		if f := strings.Fields(string(statm)); len(f) >= 2 {
			if n, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				return n * page
			}
		}
	}
	return 0
}
