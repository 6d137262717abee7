// Package randproj computes Gaussian random projections of long vectors
// without storing the projector: every entry is regenerated on the fly from a
// counter-based hash of (seed, row, column), chunk by chunk.
package randproj

import (
	"fmt"
	"math"
	"sync"
	"unsafe"

	"github.com/edge-of-stability/eos/linalg"
)

// Projector is a P×dim random matrix with independent entries distributed as
// N(0, 1/P) (quantised to 2^16 levels; see Entry), so that ‖Px‖² = ‖x‖² in
// expectation (Johnson–Lindenstrauss). Entry (i, j) is a fixed function of
// (seed, i, j): it does not depend on dim or on how Project is scheduled.
type Projector struct {
	p, dim int
	scale  float64  // 1/√P
	keys   []uint64 // SplitMix64 state of each row
	table  *[levels]float64

	mu   sync.Mutex     // serialises Project calls (they share done)
	done sync.WaitGroup // row chunks of the running Project
}

// New returns the P×dim projector of the given seed. It panics if p < 1 or
// dim < 0.
func New(p, dim int, seed uint64) *Projector {
	if p < 1 || dim < 0 {
		panic(fmt.Sprintf("randproj: projector of size %d×%d", p, dim))
	}
	keys := make([]uint64, p)
	for i := range keys {
		keys[i] = rowKey(seed, i)
	}
	return &Projector{p: p, dim: dim, scale: 1 / math.Sqrt(float64(p)), keys: keys, table: normalTable()}
}

// Entry is the (i, j) entry of the projector: N(0,1) quantised to 2^16
// equiprobable levels (indexed by 16 bits of SplitMix64 output), times 1/√P.
func (pr *Projector) Entry(i, j int) float64 {
	if i < 0 || i >= pr.p || j < 0 || j >= pr.dim {
		panic(fmt.Sprintf("randproj: entry (%d, %d) outside %d×%d", i, j, pr.p, pr.dim))
	}
	z := word(pr.keys[i], j/4)
	return pr.table[uint16(z>>(16*(j%4)))] * pr.scale
}

// Project writes the P coordinates of the projection of x (len dim) into out
// (len P). It allocates nothing, spreads rows over a pool of goroutines, and
// gives bitwise identical results for any number of goroutines. Calls on one
// Projector are serialised.
func Project[T linalg.Float](pr *Projector, x []T, out []float64) {
	if len(x) != pr.dim || len(out) != pr.p {
		panic(fmt.Sprintf("randproj: projecting len(x)=%d into len(out)=%d with a %d×%d projector",
			len(x), len(out), pr.p, pr.dim))
	}
	t := task{pr: pr, out: out}
	var zero T
	if unsafe.Sizeof(zero) == 4 {
		t.x32 = unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
	} else {
		t.x64 = unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	run(t, workers())
}
