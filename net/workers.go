package net

import "sync"

// workers runs a task on several goroutines, the caller's among them. Its
// helper goroutines live between runs, so a run allocates nothing; stop ends
// them.
type workers struct {
	ids  chan int
	wg   sync.WaitGroup
	task func(id int)
}

// newWorkers starts helpers goroutines that wait for tasks.
func newWorkers(helpers int) *workers {
	w := &workers{ids: make(chan int)}
	for range helpers {
		go w.serve()
	}
	return w
}

// serve runs the current task for every worker id it receives.
func (w *workers) serve() {
	for id := range w.ids {
		w.task(id)
		w.wg.Done()
	}
}

// run calls task(id) for id = 0 … n−1, id 0 on the calling goroutine and the
// others on helpers (n−1 must not exceed the helpers started), and returns
// when all have finished.
func (w *workers) run(n int, task func(id int)) {
	w.task = task
	w.wg.Add(n - 1)
	for id := 1; id < n; id++ {
		w.ids <- id
	}
	task(0)
	w.wg.Wait()
	w.task = nil
}

// stop ends the helper goroutines.
func (w *workers) stop() { close(w.ids) }
