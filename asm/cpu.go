package asm

import (
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/klauspost/cpuid/v2"
)

// Default cache sizes, used where cpuid cannot tell.
const (
	defaultL1D = 32 << 10
	defaultL2  = 1 << 20
	defaultL3  = 8 << 20
)

// caches holds the L1d, L2 and L3 sizes from the last detection, so that
// kernels running during a later Select never read cpuid's state as it is
// rewritten.
var caches atomic.Pointer[[3]int]

// recordCaches saves the cache sizes cpuid detected, with sane defaults for
// those it cannot tell.
func recordCaches() {
	c := cpuid.CPU.Cache
	pick := func(v, def int) int {
		if v <= 0 {
			return def
		}
		return v
	}
	caches.Store(&[3]int{pick(c.L1D, defaultL1D), pick(c.L2, defaultL2), pick(c.L3, defaultL3)})
}

// CacheSizes returns the per-core L1 data and L2 cache sizes and the L3 size
// in bytes, with sane defaults for those cpuid cannot detect.
func CacheSizes() (l1d, l2, l3 int) {
	c := caches.Load()
	return c[0], c[1], c[2]
}

// describedFeatures are the CPU features Describe reports when present.
var describedFeatures = []cpuid.FeatureID{
	cpuid.SSE4, cpuid.AVX, cpuid.AVX2, cpuid.FMA3, cpuid.AVX512F, cpuid.AVX512DQ, cpuid.AVX512BW,
	cpuid.AVX512VL, cpuid.ASIMD, cpuid.FP, cpuid.SVE,
}

// Describe returns a multi-line description of the CPU (brand, relevant
// features, cache sizes, cores), the known kernel levels and the
// implementation chosen for each operation.
func Describe() string {
	selectMu.Lock() // cpuid's state is rewritten by Select
	defer selectMu.Unlock()
	var sb strings.Builder
	cpu := cpuid.CPU
	brand := cpu.BrandName
	if brand == "" {
		brand = "unknown"
	}
	fmt.Fprintf(&sb, "CPU:        %s (%s/%s)\n", brand, runtime.GOOS, runtime.GOARCH)
	var feats []string
	for _, f := range describedFeatures {
		if cpu.Supports(f) {
			feats = append(feats, f.String())
		}
	}
	if len(feats) == 0 {
		feats = []string{"none detected"}
	}
	fmt.Fprintf(&sb, "features:   %s\n", strings.Join(feats, " "))
	size := func(v int) string {
		if v <= 0 {
			return "unknown"
		}
		if v >= 1<<20 && v%(1<<20) == 0 {
			return fmt.Sprintf("%d MiB", v>>20)
		}
		return fmt.Sprintf("%d KiB", v>>10)
	}
	fmt.Fprintf(&sb, "caches:     L1d %s, L2 %s, L3 %s\n", size(cpu.Cache.L1D), size(cpu.Cache.L2), size(cpu.Cache.L3))
	fmt.Fprintf(&sb, "cores:      %d physical, %d logical (GOMAXPROCS %d)\n", cpu.PhysicalCores, cpu.LogicalCores, runtime.GOMAXPROCS(0))
	var levels []string
	for _, l := range Levels() {
		mark := ""
		if !l.Supported {
			mark = " (unsupported)"
		}
		levels = append(levels, l.Name+mark)
	}
	fmt.Fprintf(&sb, "levels:     %s; selected %s\n", strings.Join(levels, ", "), Selected())
	for _, o := range operations {
		fmt.Fprintf(&sb, "kernel:     %-36s %s\n", o.opName(), o.chosen())
	}
	return sb.String()
}
