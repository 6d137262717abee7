package linalg

import (
	"sync"
	"sync/atomic"
)

// Ranges is a job over the indices [0, n) whose disjoint ranges may run at
// the same time.
type Ranges interface {
	// Range runs the indices [lo, hi) as share part of the call.
	Range(part, lo, hi int)
}

// rangeJob is one Parallel call: the job, its split and the count of
// shares still running on helpers.
type rangeJob struct {
	job      Ranges
	n, parts int
	pending  atomic.Int32
}

// rangeJobs recycle the calls' state, so that Parallel allocates nothing in
// the steady state.
var rangeJobs = sync.Pool{New: func() any { return new(rangeJob) }}

func (j *rangeJob) runPart(p int) { j.job.Range(p, p*j.n/j.parts, (p+1)*j.n/j.parts) }

// Parallel runs job over [0, n) in min(threads, n) contiguous ranges of
// about equal size, the first on the calling goroutine and the others on
// the GEMMs' helper goroutines, and returns when all are done. With one
// thread (or one index) it calls job.Range(0, 0, n) itself. Shares are
// numbered from 0, the caller's, so a job can give each its own buffers.
func Parallel(threads, n int, job Ranges) {
	parts := min(threads, n)
	if parts <= 1 {
		job.Range(0, 0, n)
		return
	}
	j := rangeJobs.Get().(*rangeJob)
	j.job, j.n, j.parts = job, n, parts
	j.pending.Store(int32(parts - 1))
	for p := 1; p < parts; p++ {
		startPart(j, p, &j.pending)
	}
	j.runPart(0)
	awaitZero(&j.pending)
	j.job = nil
	rangeJobs.Put(j)
}
