package randproj

import (
	"runtime"
	"sync"
)

// task is one projection: x (exactly one of x32, x64 set) into out.
type task struct {
	pr  *Projector
	x32 []float32
	x64 []float64
	out []float64
}

// chunk is the part of a task done by one goroutine: rows [lo, hi).
type chunk struct {
	task
	lo, hi int
}

// pool is a fixed set of goroutines, started on first use and kept for the
// life of the program, that compute chunks; reusing them keeps Project free
// of allocations.
var pool struct {
	once  sync.Once
	size  int
	queue chan chunk
}

// workers is the number of goroutines a projection is spread over: the pool's
// workers plus the calling goroutine.
func workers() int {
	pool.once.Do(func() {
		pool.size = runtime.GOMAXPROCS(0) - 1
		pool.queue = make(chan chunk, 64)
		for range pool.size {
			go func() {
				for c := range pool.queue {
					c.compute()
					c.pr.done.Done()
				}
			}()
		}
	})
	return pool.size + 1
}

// run splits t's rows into n chunks, hands all but the last to the pool (or
// computes them inline when the pool is empty), computes the last on the
// calling goroutine and waits for the rest. Each row is computed whole by one
// goroutine in a fixed order, so the result does not depend on n or on
// scheduling.
func run(t task, n int) {
	rows := len(t.out)
	n = max(min(n, rows), 1)
	for k := range n - 1 {
		c := chunk{task: t, lo: k * rows / n, hi: (k + 1) * rows / n}
		if pool.size == 0 {
			c.compute()
			continue
		}
		t.pr.done.Add(1)
		pool.queue <- c
	}
	chunk{task: t, lo: (n - 1) * rows / n, hi: rows}.compute()
	t.pr.done.Wait()
}
