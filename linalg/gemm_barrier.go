package linalg

import (
	"runtime"
	"sync/atomic"
)

// barrier makes n goroutines wait for each other, repeatedly. Waiters spin
// briefly (the phases it separates are short and the threads few), then yield.
type barrier struct {
	n     int32
	count atomic.Int32
	gen   atomic.Uint32
}

// spinsBeforeYield is how many times a waiter polls before yielding its P.
const spinsBeforeYield = 1 << 12

// wait blocks until all n goroutines have called wait.
func (b *barrier) wait() {
	gen := b.gen.Load()
	if b.count.Add(1) == b.n {
		b.count.Store(0)
		b.gen.Add(1)
		return
	}
	for i := 0; b.gen.Load() == gen; i++ {
		if i >= spinsBeforeYield {
			runtime.Gosched()
		}
	}
}
