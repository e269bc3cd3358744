package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rssSampler follows the resident memory of this process and of its child
// processes (the git processes the engine starts), summed, every interval.
// The sum counts the pages of a pack file that several git processes map
// once per process, so it is an upper bound of what the machine gives.
type rssSampler struct {
	mu          sync.Mutex
	peak, child int64  // KB: the sum's peak, the largest child's
	live, goal  uint64 // bytes: the Go heap's peaks, live after a collection and its goal
	gc0         runtimeStats
	name        string
	stop        chan struct{}
	done        chan struct{}
}

// startRSS samples the children whose name (/proc/PID/comm) begins with
// name.
func startRSS(interval time.Duration, name string) *rssSampler {
	s := &rssSampler{name: name, stop: make(chan struct{}), done: make(chan struct{}), gc0: readRuntime()}
	go func() {
		defer close(s.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *rssSampler) sample() {
	self := os.Getpid()
	total, child := statusKB(self, "VmRSS:"), int64(0)
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		// A child between fork and exec still shares this process's
		// pages, and /proc counts them as its own: only children that run
		// the named program are counted.
		if parentOf(pid) == self && runs(pid, s.name) {
			kb := statusKB(pid, "VmRSS:")
			total += kb
			child = max(child, kb)
		}
	}
	rt := readRuntime()
	s.mu.Lock()
	s.peak = max(s.peak, total)
	s.child = max(s.child, child)
	s.live, s.goal = max(s.live, rt.live), max(s.goal, rt.goal)
	s.mu.Unlock()
}

// runtimeStats is what the Go runtime says of this process's heap and CPU.
type runtimeStats struct {
	live, goal, cycles uint64
	gcCPU, cpu         float64 // seconds
}

var runtimeMetrics = []string{"/gc/heap/live:bytes", "/gc/heap/goal:bytes", "/gc/cycles/total:gc-cycles",
	"/cpu/classes/gc/total:cpu-seconds", "/cpu/classes/user:cpu-seconds"}

func readRuntime() runtimeStats {
	ms := make([]metrics.Sample, len(runtimeMetrics))
	for i, n := range runtimeMetrics {
		ms[i].Name = n
	}
	metrics.Read(ms)
	u := func(i int) uint64 {
		if ms[i].Value.Kind() == metrics.KindUint64 {
			return ms[i].Value.Uint64()
		}
		return 0
	}
	f := func(i int) float64 {
		if ms[i].Value.Kind() == metrics.KindFloat64 {
			return ms[i].Value.Float64()
		}
		return 0
	}
	return runtimeStats{live: u(0), goal: u(1), cycles: u(2), gcCPU: f(3), cpu: f(4)}
}

// Stop ends the sampling and returns what it saw.
func (s *rssSampler) Stop() memory {
	close(s.stop)
	<-s.done
	rt := readRuntime()
	s.mu.Lock()
	defer s.mu.Unlock()
	return memory{self: statusKB(os.Getpid(), "VmHWM:"), child: s.child, sum: s.peak, live: s.live, goal: s.goal,
		cycles: rt.cycles - s.gc0.cycles, gcCPU: rt.gcCPU - s.gc0.gcCPU, cpu: rt.cpu - s.gc0.cpu}
}

// statusKB reads one "Key: N kB" line of /proc/PID/status; 0 when absent.
func statusKB(pid int, key string) int64 {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	return parseStatusKB(b, key)
}

func parseStatusKB(b []byte, key string) int64 {
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return 0
	}
	f := bytes.Fields(b[i+len(key):])
	if len(f) == 0 {
		return 0
	}
	n, _ := strconv.ParseInt(string(f[0]), 10, 64)
	return n
}

// parentOf reads the parent's pid from /proc/PID/stat ("PID (COMM) STATE
// PPID ..."; COMM may hold spaces and parentheses, so the last ')' ends it).
func parentOf(pid int) int {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0
	}
	return parseStatParent(b)
}

func parseStatParent(b []byte) int {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(string(f[1]))
	return n
}

// memory is what the engine's pass held at most: this process's own peak
// (VmHWM), and the sampled peaks of the largest child process (git) and
// of the sum of all. The kernel's peak for children (getrusage, and so
// /usr/bin/time) is no use here: a child forked from a Go process counts
// its parent's resident pages as its own until it runs git.
// Beside them, the Go runtime's own account (runtime/metrics): the peaks
// of the live heap and of the heap goal the collector aimed at, the
// collections, and the CPU time the collector took beside that of Go code
// (both estimates of the runtime, over every core).
type memory struct {
	self, child, sum int64
	live, goal       uint64
	cycles           uint64
	gcCPU, cpu       float64
}

func (m memory) String() string {
	mb := func(kb int64) string { return strconv.FormatInt((kb+512)/1024, 10) + " MB" }
	return "peak RSS: hallmark " + mb(m.self) + ", largest git process " + mb(m.child) + ", sum sampled " + mb(m.sum) +
		fmt.Sprintf("; Go heap: live at most %s, goal at most %s, %d collections, CPU %.1fs collecting, %.1fs in Go code",
			mb(int64(m.live>>10)), mb(int64(m.goal>>10)), m.cycles, m.gcCPU, m.cpu)
}

// runs reports whether a process's name (/proc/PID/comm) begins with name.
func runs(pid int, name string) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "comm"))
	return err == nil && strings.HasPrefix(string(b), name)
}
