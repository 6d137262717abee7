package asm

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/klauspost/cpuid/v2"
)

// Level is one implementation level known on this GOARCH.
type Level struct {
	// Name is the level's name as Select takes it ("generic", "avx2", …).
	Name string
	// Supported says whether this CPU and OS can run the level's kernels.
	Supported bool
}

// levelDef is a level with its support test, in rising order of preference.
type levelDef struct {
	name      string
	supported func() bool
}

// operation is the registry of one operation's implementations.
type operation interface {
	opName() string
	choose(maxRank int)
	chosen() string
	levelsRegistered() []string
}

// op is the registry of one operation: its implementation per level and the
// one in use.
type op[F any] struct {
	name  string
	impls map[string]F
	cur   atomic.Pointer[impl[F]]
}

// impl is an implementation together with its level's name.
type impl[F any] struct {
	level string
	fn    F
}

var (
	sgemm         = newOp[Kernel[float32]]("sgemm (float32 GEMM micro-kernel)")
	dgemm         = newOp[Kernel[float64]]("dgemm (float64 GEMM micro-kernel)")
	standardize32 = newOp[Standardize[float32]]("standardize (uint8 → float32)")
	standardize64 = newOp[Standardize[float64]]("standardize (uint8 → float64)")
	vec32         = newOp[VecOps[float32]]("axpy/dot/scale (float32)")
	vec64         = newOp[VecOps[float64]]("axpy/dot/scale (float64)")
	operations    = []operation{sgemm, dgemm, standardize32, standardize64, vec32, vec64, tanh32op, relu32op, maxPool32op}

	// selectMu serialises Select; supported caches each level's support
	// from the last detection.
	selectMu  sync.Mutex
	supported atomic.Pointer[[]bool]
	selected  atomic.Pointer[string]
)

func newOp[F any](name string) *op[F] { return &op[F]{name: name, impls: map[string]F{}} }

// register adds the implementation of level. It is called from package-level
// variable initialisers, which all run before the init that selects a level.
func (o *op[F]) register(level string, fn F) bool {
	o.impls[level] = fn
	return true
}

func (o *op[F]) opName() string { return o.name }

// choose picks the implementation of the highest supported level whose rank
// is at most maxRank.
func (o *op[F]) choose(maxRank int) {
	sup := *supported.Load()
	for r := maxRank; r >= 0; r-- {
		if fn, ok := o.impls[archLevels[r].name]; ok && sup[r] {
			o.cur.Store(&impl[F]{level: archLevels[r].name, fn: fn})
			return
		}
	}
	panic("asm: no supported implementation of " + o.name)
}

func (o *op[F]) chosen() string { return o.cur.Load().level }

func (o *op[F]) levelsRegistered() []string {
	var names []string
	for _, l := range archLevels {
		if _, ok := o.impls[l.name]; ok {
			names = append(names, l.name)
		}
	}
	return names
}

// all returns the implementations of every supported level, lowest first.
func (o *op[F]) all() []F {
	sup := *supported.Load()
	var fns []F
	for r, l := range archLevels {
		if fn, ok := o.impls[l.name]; ok && sup[r] {
			fns = append(fns, fn)
		}
	}
	return fns
}

func init() {
	if err := selectLevel("auto"); err != nil {
		panic(err)
	}
}

// detect reruns CPU detection (so that cpuid's own command-line flags, parsed
// after init, take effect) and records which levels are supported.
func detect() {
	cpuid.Detect()
	recordCaches()
	sup := make([]bool, len(archLevels))
	for i, l := range archLevels {
		sup[i] = l.supported()
	}
	supported.Store(&sup)
}

// Select chooses the implementation level for every operation: "" or "auto"
// is the best supported level ("" first consults the EOS_KERNEL environment
// variable), otherwise one of the names Levels lists. An operation without an
// implementation at that level uses the best lower level it has. Choosing an
// unknown level, or one this CPU does not support, is an error.
func Select(level string) error {
	if level == "" {
		level = os.Getenv("EOS_KERNEL")
	}
	return selectLevel(level)
}

func selectLevel(level string) error {
	selectMu.Lock()
	defer selectMu.Unlock()
	detect()
	sup := *supported.Load()
	rank := -1
	if level == "" || level == "auto" {
		for r := range archLevels {
			if sup[r] {
				rank = r
			}
		}
	} else {
		rank = slices.IndexFunc(archLevels, func(l levelDef) bool { return l.name == level })
		if rank < 0 {
			return fmt.Errorf("selecting kernel level %q: unknown level; known levels: %s", level, levelList(false))
		}
		if !sup[rank] {
			return fmt.Errorf("selecting kernel level %q: not supported by this CPU; supported levels: %s", level, levelList(true))
		}
	}
	for _, o := range operations {
		o.choose(rank)
	}
	name := archLevels[rank].name
	selected.Store(&name)
	return nil
}

// levelList names the known (or only the supported) levels, comma-separated.
func levelList(onlySupported bool) string {
	var names []string
	for _, l := range Levels() {
		if l.Supported || !onlySupported {
			names = append(names, l.Name)
		}
	}
	return strings.Join(names, ", ")
}

// Selected returns the name of the level in use.
func Selected() string { return *selected.Load() }

// Levels returns every level known on this GOARCH, lowest first, and whether
// this machine supports it.
func Levels() []Level {
	sup := *supported.Load()
	levels := make([]Level, len(archLevels))
	for i, l := range archLevels {
		levels[i] = Level{Name: l.name, Supported: sup[i]}
	}
	return levels
}

// Sgemm returns the float32 micro-kernel in use.
func Sgemm() Kernel[float32] { return sgemm.cur.Load().fn }

// Dgemm returns the float64 micro-kernel in use.
func Dgemm() Kernel[float64] { return dgemm.cur.Load().fn }

// SgemmKernels returns the float32 micro-kernel of every supported level.
func SgemmKernels() []Kernel[float32] { return sgemm.all() }

// DgemmKernels returns the float64 micro-kernel of every supported level.
func DgemmKernels() []Kernel[float64] { return dgemm.all() }

// Standardize32 returns the float32 standardisation kernel in use.
func Standardize32() Standardize[float32] { return standardize32.cur.Load().fn }

// Standardize64 returns the float64 standardisation kernel in use.
func Standardize64() Standardize[float64] { return standardize64.cur.Load().fn }

// Standardize32Kernels returns the float32 standardisation kernel of every
// supported level, keyed by level name.
func Standardize32Kernels() map[string]Standardize[float32] { return byLevel(standardize32) }

// Standardize64Kernels returns the float64 standardisation kernel of every
// supported level, keyed by level name.
func Standardize64Kernels() map[string]Standardize[float64] { return byLevel(standardize64) }

func byLevel[F any](o *op[F]) map[string]F {
	sup := *supported.Load()
	m := map[string]F{}
	for r, l := range archLevels {
		if fn, ok := o.impls[l.name]; ok && sup[r] {
			m[l.name] = fn
		}
	}
	return m
}

// Vec32 returns the float32 vector kernels in use.
func Vec32() VecOps[float32] { return vec32.cur.Load().fn }

// Vec64 returns the float64 vector kernels in use.
func Vec64() VecOps[float64] { return vec64.cur.Load().fn }

// Vec32Kernels returns the float32 vector kernels of every supported level,
// keyed by level name.
func Vec32Kernels() map[string]VecOps[float32] { return byLevel(vec32) }

// Vec64Kernels returns the float64 vector kernels of every supported level,
// keyed by level name.
func Vec64Kernels() map[string]VecOps[float64] { return byLevel(vec64) }

// RegisteredLevels returns, per operation name, the levels that registered an
// implementation of it (whether or not the CPU supports them).
func RegisteredLevels() map[string][]string {
	m := map[string][]string{}
	for _, o := range operations {
		m[o.opName()] = o.levelsRegistered()
	}
	return m
}
