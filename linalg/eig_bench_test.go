package linalg

import (
	"fmt"
	"testing"
)

// trajectorySteps is how many solves one benchmark trajectory makes.
const trajectorySteps = 20

// followTrajectory solves K eigenpairs at each step of a drifting 500×500
// trajectory, warm-starting from the previous step's vectors if warm, and
// returns the operator applications per solve and how many solves failed to
// converge.
func followTrajectory(kind trajectoryKind, fn eigSolver, k int, tol float64, warm bool) (perSolve float64, failed int) {
	tr := newTrajectory(kind, 500, 3)
	var start [][]float64
	total := 0
	for step := 0; step < trajectorySteps; step++ {
		tr.advance(step)
		opt := EigOptions{K: k, Tol: tol, Seed: uint64(step)}
		if warm {
			opt.Start = start
		}
		res, err := fn(tr.n, tr.op, opt)
		if err != nil {
			panic(err)
		}
		if !res.Converged {
			failed++
		}
		total += res.MatVecs
		start = res.Vectors
	}
	return float64(total) / trajectorySteps, failed
}

// BenchmarkEigTrajectory reports the operator applications per solve of
// Lanczos and LOBPCG, cold and warm-started, along the drifting trajectory.
// Run briefly: go test ./linalg/ -run '^$' -bench EigTrajectory -benchtime 1x
func BenchmarkEigTrajectory(b *testing.B) {
	methods := []struct {
		name string
		fn   eigSolver
	}{{"Lanczos", Lanczos}, {"LOBPCG", LOBPCG}}
	for _, kind := range trajectoryKinds {
		for _, m := range methods {
			for _, k := range []int{1, 2, 6} {
				for _, tol := range []float64{1e-3, 1e-6} {
					for _, warm := range []bool{false, true} {
						start := "cold"
						if warm {
							start = "warm"
						}
						b.Run(fmt.Sprintf("%s/%s/K=%d/tol=%g/%s", kind.name, m.name, k, tol, start), func(b *testing.B) {
							var perSolve float64
							for b.Loop() {
								var failed int
								perSolve, failed = followTrajectory(kind, m.fn, k, tol, warm)
								if failed > 0 {
									b.Fatalf("%d solves did not converge", failed)
								}
							}
							b.ReportMetric(perSolve, "matvecs/solve")
						})
					}
				}
			}
		}
	}
}

// TestEigsIsTheCheaperMethod checks the measurement behind the choice of
// Eigs's method: warm-started along both trajectories at Tol 1e-6, it needs no
// more operator applications than LOBPCG for K = 1 (the sharpness) and fewer
// in total over K = 1, 2, 6.
func TestEigsIsTheCheaperMethod(t *testing.T) {
	var eigsTotal, otherTotal float64
	for _, kind := range trajectoryKinds {
		for _, k := range []int{1, 2, 6} {
			eigs, _ := followTrajectory(kind, Eigs, k, 1e-6, true)
			other, _ := followTrajectory(kind, LOBPCG, k, 1e-6, true)
			if k == 1 && eigs > other {
				t.Errorf("%s K=1: Eigs used %.2f matvecs/solve, LOBPCG %.2f", kind.name, eigs, other)
			}
			eigsTotal += eigs
			otherTotal += other
		}
	}
	if eigsTotal >= otherTotal {
		t.Errorf("Eigs used %.2f matvecs/solve summed over K and trajectories, LOBPCG %.2f", eigsTotal, otherTotal)
	}
}
