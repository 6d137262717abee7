package linalg

import (
	"sync/atomic"
	"testing"
)

// countRanges counts how often each index is run.
type countRanges struct{ hits []atomic.Int32 }

func (c *countRanges) Range(part, lo, hi int) {
	if part < 0 || part >= max(1, len(c.hits)) && lo < hi {
		panic("share out of range")
	}
	for i := lo; i < hi; i++ {
		c.hits[i].Add(1)
	}
}

// TestParallelRunsEveryIndexOnce checks that Parallel covers [0, n) exactly
// once for any thread count, n below and above it, without allocating.
func TestParallelRunsEveryIndexOnce(t *testing.T) {
	for _, threads := range []int{1, 2, 3, 8} {
		for _, n := range []int{0, 1, 2, 5, 64} {
			c := &countRanges{hits: make([]atomic.Int32, n)}
			Parallel(threads, n, c)
			for i := range c.hits {
				if got := c.hits[i].Load(); got != 1 {
					t.Fatalf("threads %d, n %d: index %d ran %d times", threads, n, i, got)
				}
			}
		}
	}
	c := &countRanges{hits: make([]atomic.Int32, 16)}
	Parallel(2, 16, c) // warm the pool
	if a := testing.AllocsPerRun(100, func() { Parallel(2, 16, c) }); a != 0 {
		t.Errorf("Parallel allocates %v times per call", a)
	}
}
