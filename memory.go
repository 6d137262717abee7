package eos

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"github.com/edge-of-stability/eos/net"
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

// planMemory fits what the run holds into cfg.MaxMemory: the sharpness
// objective's HVP linearisation is cached when it fits beside everything else
// (or when recomputing it would hold more), and when the run still does not
// fit, the objectives run their chunks one at a time, all threads on each,
// so that one worker's tape is held instead of one per thread. It says
// which mode the HVPs use ("" without eigenvalues, unless the workers went).
func (s *session[T]) planMemory() string {
	p := s.memoryPlan()
	workers := ""
	if p.total > s.cfg.MaxMemory && s.train.Workers() > 1 {
		s.train.SingleWorker()
		if s.sharp != nil {
			s.sharp.obj.SingleWorker()
		}
		if s.test != nil {
			s.test.SingleWorker()
		}
		p = s.memoryPlan()
		workers = fmt.Sprintf("chunks one at a time (all threads on each), holding %s against --max-memory %s",
			FormatBytes(p.total), FormatBytes(s.cfg.MaxMemory))
	}
	if s.sharp == nil {
		return workers
	}
	if p.cached {
		s.sharp.obj.SetCacheBudget(p.cache)
	} else {
		s.sharp.obj.SetCacheBudget(0)
	}
	if workers != "" {
		return p.says + "; " + workers
	}
	return p.says
}

// memoryPlan is the HVPs' mode planMemory picks for the objectives as they
// are, and what the run then holds.
type memoryPlan struct {
	cached bool   // the HVPs cache their linearisation
	cache  int64  // bytes of that cache
	total  int64  // bytes the run holds in the chosen mode
	says   string // the choice in words
}

func (s *session[T]) memoryPlan() memoryPlan {
	var zero T
	elem := int64(unsafe.Sizeof(zero))
	n := int64(len(s.theta))
	used := s.split.Train.Bytes() + 6*elem*n + 8*n*eigVectors(s.cfg.NEigs)
	if s.split.Test != nil {
		used += s.split.Test.Bytes()
	}
	if s.test != nil {
		used += s.test.WorkBytes(net.UseEval, false)
	}
	trainUse := net.UseEval | net.UseGrad
	if s.sharp != nil && s.sharp.obj == s.train {
		trainUse |= net.UseHVP
	} else {
		used += s.train.WorkBytes(trainUse, false)
	}
	if s.sharp == nil {
		return memoryPlan{total: used}
	}
	// hvpBytes is what the sharpness objective holds with the cache or without.
	hvpBytes := func(cached bool) int64 {
		if s.sharp.obj == s.train {
			return s.train.WorkBytes(trainUse, cached)
		}
		return s.sharp.obj.WorkBytes(net.UseHVP, cached)
	}
	need := s.sharp.obj.CacheBytes()
	cached, recomputed := used+hvpBytes(true)+need, used+hvpBytes(false)
	switch {
	case cached <= s.cfg.MaxMemory:
		return memoryPlan{cached: true, cache: need, total: cached,
			says: fmt.Sprintf("cached: %s of linearisation beside %s of working memory, within --max-memory %s",
				FormatBytes(need), FormatBytes(cached-need), FormatBytes(s.cfg.MaxMemory))}
	case cached <= recomputed:
		// One chunk covers the examples: its tape would be as large as the cache.
		return memoryPlan{cached: true, cache: need, total: cached,
			says: fmt.Sprintf("cached: %s of linearisation beside %s of working memory, over --max-memory %s, but recomputing would hold %s",
				FormatBytes(need), FormatBytes(cached-need), FormatBytes(s.cfg.MaxMemory), FormatBytes(recomputed))}
	}
	return memoryPlan{cache: need, total: recomputed,
		says: fmt.Sprintf("recomputed per chunk in each HVP (about 2× the cost): %s of working memory; the cache would need %s beside %s, over --max-memory %s",
			FormatBytes(recomputed), FormatBytes(need), FormatBytes(cached-need), FormatBytes(s.cfg.MaxMemory))}
}
