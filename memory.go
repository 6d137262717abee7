package eos

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"unsafe"
)

// Memory units of --max-memory.
var byteUnits = map[string]float64{
	"": 1, "b": 1,
	"k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// ParseBytes reads a memory size such as "8GiB", "500MB", "2g" or "1048576".
func ParseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') && t[i-1] != '.' {
		i--
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	mult, ok := byteUnits[unit]
	v, err := strconv.ParseFloat(num, 64)
	if !ok || err != nil || v < 0 || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a memory size (e.g. 8GiB, 500MB, 2g)", s)
	}
	return int64(v * mult), nil
}

// FormatBytes writes n bytes in GB or MB.
func FormatBytes(n int64) string {
	if n >= 1e9 {
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	}
	return fmt.Sprintf("%.0f MB", float64(n)/1e6)
}

// DefaultMaxMemory is the memory budget of a run without --max-memory:
// 60% of the machine's RAM (or of the cgroup's limit when lower), 4 GiB
// where neither can be read.
func DefaultMaxMemory() int64 {
	total := memTotal()
	if lim := cgroupLimit(); lim > 0 && (total == 0 || lim < total) {
		total = lim
	}
	if total == 0 {
		return 4 << 30
	}
	return total / 10 * 6
}

// memTotal is MemTotal of /proc/meminfo in bytes (0 when unreadable).
func memTotal() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// cgroupLimit is the cgroup v2 memory limit in bytes (0 when none).
func cgroupLimit() int64 {
	b, err := os.ReadFile("/sys/fs/cgroup/memory.max")
	if err != nil {
		return 0
	}
	v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0
	}
	return v
}

// eigVectors is the number of float64 parameter vectors the eigen-solver
// holds for k eigenpairs (its basis, Ritz vectors and the latest two solves'
// eigenvectors for the warm start), an upper estimate.
func eigVectors(k int) int64 { return int64(max(4*k+10, 24)) }

// planMemory fits the sharpness objective's HVP linearisation cache into
// cfg.MaxMemory beside everything else the run holds, and says which mode
// the HVPs use.
func (s *session[T]) planMemory() string {
	if s.sharp == nil {
		return ""
	}
	var zero T
	elem := int64(unsafe.Sizeof(zero))
	n := int64(len(s.theta))
	used := s.split.Train.Bytes() + s.train.WorkBytes() + 6*elem*n + 8*n*eigVectors(s.cfg.NEigs)
	if s.sharp.obj != s.train {
		used += s.sharp.obj.WorkBytes()
	}
	if s.split.Test != nil {
		used += s.split.Test.Bytes()
	}
	if s.test != nil {
		used += s.test.WorkBytes()
	}
	need := s.sharp.obj.CacheBytes()
	s.sharp.obj.SetCacheBudget(s.cfg.MaxMemory - used)
	if s.sharp.obj.CachesLinearization() {
		return fmt.Sprintf("cached: %s of linearisation beside %s of working memory, within --max-memory %s",
			FormatBytes(need), FormatBytes(used), FormatBytes(s.cfg.MaxMemory))
	}
	return fmt.Sprintf("recomputed per chunk in each HVP (about 2× the cost): the cache would need %s beside %s of working memory, over --max-memory %s",
		FormatBytes(need), FormatBytes(used), FormatBytes(s.cfg.MaxMemory))
}
