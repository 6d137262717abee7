package linalg

import (
	"math/bits"
	"sync"
	"unsafe"

	"github.com/edge-of-stability/eos/asm"
)

// blocks are the cache-blocking sizes of one GEMM: kc is the depth of a
// packed block, mc the rows of a packed block of A (a multiple of MR) and nc
// the columns of a packed block of B (a multiple of NR).
type blocks struct{ kc, mc, nc int }

// Limits on the block sizes, whatever the caches.
const (
	minKC, maxKC = 64, 1024
	maxMC        = 2048
	maxNC        = 8192
)

// chooseBlocks sizes the blocks: a KC×NR panel of B fills about two thirds
// of an L1d of kcCache bytes, an MC×KC block of A about half of the L2 and a
// KC×NC block of B about half of the L3 that cpuid reports. Each dimension
// is then split into near-equal blocks so that no thin remainder block is
// left. Only KC changes results; it depends on the shape and kernel alone,
// not on the machine, so that a run gives the same bits on every CPU of a
// kernel level.
func chooseBlocks[E asm.Elem](mr, nr, m, n, k int) blocks {
	_, l2, l3 := cacheSizes()
	size := int(unsafe.Sizeof(E(0)))
	kcMax := max(minKC, min(maxKC, kcCache*2/3/(nr*size)))
	kc := ceilDiv(k, ceilDiv(k, kcMax))
	mcMax := max(mr, min(maxMC, l2/2/(kc*size))/mr*mr)
	mc := roundUp(ceilDiv(m, ceilDiv(m, mcMax)), mr)
	ncMax := max(nr, min(maxNC, l3/2/(kc*size))/nr*nr)
	nc := roundUp(ceilDiv(n, ceilDiv(n, ncMax)), nr)
	return blocks{kc: kc, mc: mc, nc: nc}
}

// cacheSizes reports the L1d, L2 and L3 sizes the blocking is fitted to.
var cacheSizes = asm.CacheSizes

// kcCache is the L1d size KC is fitted to: fixed (the smallest L1d of the
// x86-64 and arm64 cores eos targets) rather than detected, since KC sets the
// order in which a GEMM sums and so the bits of its results. Detected sizes
// made the same run differ between a 48 KiB and a 32 KiB L1d.
var kcCache = 32 << 10

// bufferAlign is the alignment, in bytes, of packing buffers.
const bufferAlign = 64

// pools hold packing buffers by element size and size class (a buffer of
// class c holds 2^c elements), so a pooled buffer always fits the request of
// its class and steady-state GEMM calls allocate nothing.
var pools [2][bits.UintSize]sync.Pool

// sizeClass is the smallest c with 2^c ≥ n.
func sizeClass(n int) int { return bits.Len(uint(max(n, 1) - 1)) }

func poolFor[E asm.Elem](class int) *sync.Pool {
	if unsafe.Sizeof(E(0)) == 4 {
		return &pools[0][class]
	}
	return &pools[1][class]
}

// getBuffer returns a 64-byte-aligned scratch slice of n elements, owned by
// the caller until putBuffer.
func getBuffer[E asm.Elem](n int) *[]E {
	class := sizeClass(n)
	if v, ok := poolFor[E](class).Get().(*[]E); ok {
		*v = (*v)[:n]
		return v
	}
	size := 1 << class
	pad := bufferAlign / int(unsafe.Sizeof(E(0)))
	raw := make([]E, size+pad)
	off := 0
	for uintptr(unsafe.Pointer(&raw[off]))%bufferAlign != 0 {
		off++
	}
	s := raw[off : off+n : off+size]
	return &s
}

// putBuffer returns a buffer from getBuffer to its pool.
func putBuffer[E asm.Elem](b *[]E) { poolFor[E](sizeClass(cap(*b))).Put(b) }
