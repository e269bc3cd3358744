package main

import (
	"bytes"
	"os"
	"path/filepath"
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
	peak, child int64 // KB: the sum's peak, the largest child's
	name        string
	stop        chan struct{}
	done        chan struct{}
}

// startRSS samples the children whose name (/proc/PID/comm) begins with
// name.
func startRSS(interval time.Duration, name string) *rssSampler {
	s := &rssSampler{name: name, stop: make(chan struct{}), done: make(chan struct{})}
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
	s.mu.Lock()
	s.peak = max(s.peak, total)
	s.child = max(s.child, child)
	s.mu.Unlock()
}

// Stop ends the sampling and returns what it saw.
func (s *rssSampler) Stop() memory {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return memory{self: statusKB(os.Getpid(), "VmHWM:"), child: s.child, sum: s.peak}
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
type memory struct{ self, child, sum int64 }

func (m memory) String() string {
	mb := func(kb int64) string { return strconv.FormatInt((kb+512)/1024, 10) + " MB" }
	return "peak RSS: hallmark " + mb(m.self) + ", largest git process " + mb(m.child) + ", sum sampled " + mb(m.sum)
}

// runs reports whether a process's name (/proc/PID/comm) begins with name.
func runs(pid int, name string) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "comm"))
	return err == nil && strings.HasPrefix(string(b), name)
}
