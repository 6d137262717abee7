package linalg

import (
	"math"
	"testing"
)

// TestWorkspaceKeepsResults follows a drifting trajectory twice, with and
// without a shared Workspace: every value, vector and count must be bitwise
// the same, the workspace must hold vectors between solves, and no returned
// eigenvector may be among them (the next solve would overwrite it). The
// workspace side recycles each solve's start vectors once it is done, as the
// sharpness tracker does: then the vectors held never exceed what one solve
// can use at once.
func TestWorkspaceKeepsResults(t *testing.T) {
	kind := trajectoryKinds[1]
	a, b := newTrajectory(kind, 200, 3), newTrajectory(kind, 200, 3)
	work := &Workspace{}
	var startA, startB [][]float64
	// A solve holds at most its basis (lanczosMaxCols and a pending vector)
	// and its K result vectors (their residuals take no vector of full
	// length); the start adds K.
	const k = 3
	bound := lanczosMaxCols + 1 + 2*k
	for step := 0; step < 12; step++ {
		a.advance(step)
		b.advance(step)
		// A tight tolerance makes the solves long, so the workspace lends many vectors.
		opt := EigOptions{K: k, Tol: 1e-10, Seed: uint64(step)}
		optA, optB := opt, opt
		optA.Start, optB.Start, optB.Work = startA, startB, work
		ra, err := Lanczos(a.n, a.op, optA)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := Lanczos(b.n, b.op, optB)
		if err != nil {
			t.Fatal(err)
		}
		if ra.MatVecs != rb.MatVecs || ra.Converged != rb.Converged {
			t.Fatalf("step %d: %d matvecs (converged %v) without the workspace, %d (%v) with it",
				step, ra.MatVecs, ra.Converged, rb.MatVecs, rb.Converged)
		}
		for i := range ra.Values {
			if math.Float64bits(ra.Values[i]) != math.Float64bits(rb.Values[i]) {
				t.Fatalf("step %d: value %d is %v without the workspace, %v with it", step, i, ra.Values[i], rb.Values[i])
			}
			for j := range ra.Vectors[i] {
				if math.Float64bits(ra.Vectors[i][j]) != math.Float64bits(rb.Vectors[i][j]) {
					t.Fatalf("step %d: vector %d differs at %d", step, i, j)
				}
			}
		}
		if len(work.free) == 0 {
			t.Fatalf("step %d: the workspace holds no vectors after a solve", step)
		}
		for _, v := range rb.Vectors {
			for _, f := range work.free {
				if &v[0] == &f[0] {
					t.Fatalf("step %d: a returned eigenvector is lent out again", step)
				}
			}
		}
		work.Recycle(startB)
		startA, startB = ra.Vectors, rb.Vectors
		if held := len(work.free) + len(startB); held > bound {
			t.Fatalf("step %d: the workspace and the start hold %d vectors, more than the %d a solve can use", step, held, bound)
		}
	}
}
