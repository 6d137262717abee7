package linalg

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// part is a parallel job whose shares run on helper goroutines.
type part interface {
	// runPart runs share p of the job.
	runPart(p int)
}

// helper is a goroutine that runs shares of parallel GEMMs. After a share it
// keeps polling for the next one for helperLinger before it ends: waking an
// idle core costs tens to hundreds of microseconds on a virtual machine, as
// much as a whole small GEMM, so back-to-back parallel calls find their
// helpers still running, while a program that stops calling keeps none.
type helper struct {
	state atomic.Int32 // helperIdle, helperBusy or helperGone
	job   part
	p     int
	done  *atomic.Int32 // decremented when the share is finished
}

// Helper states.
const (
	helperIdle = iota // polling for a job
	helperBusy        // a job has been handed over
	helperGone        // ended; never handed a job again
)

// helperLinger is how long an idle helper polls for a job before it ends.
const helperLinger = 200 * time.Microsecond

// idleHelpers are the helpers polling for a job.
var idleHelpers struct {
	sync.Mutex
	list []*helper
}

// startPart runs share p of job on an idle helper, or on a new one if none
// is idle, and decrements done when it is finished.
func startPart(job part, p int, done *atomic.Int32) {
	for {
		idleHelpers.Lock()
		var h *helper
		if n := len(idleHelpers.list); n > 0 {
			h = idleHelpers.list[n-1]
			idleHelpers.list = idleHelpers.list[:n-1]
		}
		idleHelpers.Unlock()
		if h == nil {
			h = &helper{job: job, p: p, done: done}
			h.state.Store(helperBusy)
			go h.loop()
			return
		}
		h.job, h.p, h.done = job, p, done
		if h.state.CompareAndSwap(helperIdle, helperBusy) {
			return
		}
		// h ended while we took it; try another.
	}
}

// loop runs the jobs handed to h until none comes for helperLinger.
func (h *helper) loop() {
	for h.await() {
		h.job.runPart(h.p)
		done := h.done
		h.job, h.done = nil, nil
		h.state.Store(helperIdle)
		idleHelpers.Lock()
		idleHelpers.list = append(idleHelpers.list, h)
		idleHelpers.Unlock()
		done.Add(-1)
	}
}

// await reports whether a job has been handed to h, polling for up to
// helperLinger (yielding now and then to other goroutines); when it reports
// false, h has left the idle list and must end.
func (h *helper) await() bool {
	start := time.Now()
	for i := 1; ; i++ {
		if h.state.Load() == helperBusy {
			return true
		}
		if i%(1<<10) != 0 {
			continue
		}
		if time.Since(start) < helperLinger {
			runtime.Gosched()
			continue
		}
		if !h.state.CompareAndSwap(helperIdle, helperGone) {
			return true // a job came just now
		}
		idleHelpers.Lock()
		if i := slices.Index(idleHelpers.list, h); i >= 0 {
			idleHelpers.list = slices.Delete(idleHelpers.list, i, i+1)
		}
		idleHelpers.Unlock()
		return false
	}
}

// awaitZero returns when done reaches zero, polling and then yielding.
func awaitZero(done *atomic.Int32) {
	for i := 0; done.Load() != 0; i++ {
		if i >= spinsBeforeYield {
			runtime.Gosched()
		}
	}
}
