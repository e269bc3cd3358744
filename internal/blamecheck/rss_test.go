package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// TestRSSCountsChildren holds the sampler to the kernel's own account: a
// child process that holds memory is counted in the sum, and this
// process's parent is the one /proc says.
func TestRSSCountsChildren(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	if got, want := parentOf(os.Getpid()), os.Getppid(); got != want {
		t.Fatalf("parentOf(self) = %d, want %d", got, want)
	}
	self := statusKB(os.Getpid(), "VmRSS:")
	if self <= 0 {
		t.Fatalf("VmRSS of self = %d", self)
	}
	// A shell that holds about 64 MB in a variable, then waits.
	cmd := exec.Command("sh", "-c", `x=$(head -c 67108864 /dev/zero | tr '\0' a); sleep 2; echo ${#x}`)
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	defer cmd.Wait()
	s := startRSS(20*time.Millisecond, "sh")
	time.Sleep(1500 * time.Millisecond)
	m := s.Stop()
	if m.sum < self+32*1024 || m.child < 32*1024 {
		t.Errorf("peak of the sum %d KB, of the child %d KB, self %d KB: the child's 64 MB not counted", m.sum, m.child, self)
	}
}

// FuzzStatParent: whatever a process names itself (COMM may hold spaces,
// parentheses and newlines, proc(5)), the parent read back is the one
// written; garbage gives some number, never a panic.
func FuzzStatParent(f *testing.F) {
	f.Add("git log", 1200, []byte("VmHWM:\t   70000 kB\nVmRSS:\t   68000 kB\n"))
	f.Add("a) b) R 3", 7, []byte("VmRSS:"))
	f.Fuzz(func(t *testing.T, comm string, ppid int, garbage []byte) {
		if ppid < 0 {
			ppid = -ppid
		}
		stat := fmt.Sprintf("1234 (%s) S %d 1234 1200 0 -1 4194560", comm, ppid)
		if got := parseStatParent([]byte(stat)); got != ppid && ppid >= 0 {
			t.Errorf("parseStatParent(%q) = %d, want %d", stat, got, ppid)
		}
		parseStatParent(garbage)
		if kb := parseStatusKB([]byte("Name:\tx\nVmRSS:\t "+strconv.Itoa(ppid)+" kB\n"), "VmRSS:"); kb != int64(ppid) {
			t.Errorf("parseStatusKB = %d, want %d", kb, ppid)
		}
		parseStatusKB(garbage, "VmRSS:")
	})
}
