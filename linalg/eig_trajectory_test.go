package linalg

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// trajectoryKind sets the spectrum and the drift speed of a trajectory.
type trajectoryKind struct {
	name     string
	outliers []float64 // eigenvalues outside the bulk at t = 0
	bulkHi   float64   // the bulk is uniform on [−2, bulkHi]
	angle    float64   // radians each outlier eigenvector turns per step
}

// trajectoryKinds are the two regimes the eigSolvers are compared on: outliers
// well above the bulk turning slowly, and outliers crowded just above the
// bulk turning faster.
var trajectoryKinds = []trajectoryKind{
	{"separated", []float64{40, 30, 24, 20, 17, 15, 13.5, 12.5, -8, -6}, 6, 0.03},
	{"crowded", []float64{20, 18, 16.5, 15.5, 14.8, 14.2, 13.8, 13.5, -8, -6}, 12, 0.08},
}

// trajectory is a slowly changing symmetric matrix A(t) = Q(t)·diag(λ(t))·Q(t)ᵀ,
// a stand-in for the training-loss Hessian along a GD run: a few outliers
// (positive, and two negative) above a bulk, the outliers drifting by a few
// percent (and crossing) and their eigenvectors turning into the bulk a
// little every step.
type trajectory struct {
	n     int
	q     *mat.Dense // columns are the eigenvectors
	base  []float64  // λ(0)
	phase []float64  // drift phase of each outlier
	vals  []float64  // λ(t)
	angle float64
	rng   *rand.Rand
	tmp   []float64
}

// newTrajectory returns the matrix A(0) of size n.
func newTrajectory(kind trajectoryKind, n int, seed uint64) *trajectory {
	rng := rand.New(rand.NewPCG(seed, 99))
	base := eigTestSpectrum(n, kind.outliers, -2, kind.bulkHi, rng)
	tr := &trajectory{n: n, q: randomOrthogonal(n, rng), base: base, angle: kind.angle, rng: rng, tmp: make([]float64, n)}
	tr.phase = make([]float64, len(kind.outliers))
	for i := range tr.phase {
		tr.phase[i] = 2 * math.Pi * rng.Float64()
	}
	tr.vals = append([]float64(nil), base...)
	return tr
}

// advance moves to the next step t: outliers λᵢ(t) = λᵢ(0)·(1 + 0.05·sin(0.4t + φᵢ)),
// and each outlier's eigenvector turns by the kind's angle towards a random
// other one.
func (tr *trajectory) advance(t int) {
	for i, ph := range tr.phase {
		tr.vals[i] = tr.base[i] * (1 + 0.05*math.Sin(0.4*float64(t)+ph))
	}
	c, s := math.Cos(tr.angle), math.Sin(tr.angle)
	for i := range tr.phase {
		j := tr.rng.IntN(tr.n - 1)
		if j >= i {
			j++
		}
		for r := 0; r < tr.n; r++ {
			a, b := tr.q.At(r, i), tr.q.At(r, j)
			tr.q.Set(r, i, c*a-s*b)
			tr.q.Set(r, j, s*a+c*b)
		}
	}
}

// op applies A(t): out = Q·(λ ⊙ Qᵀ·v).
func (tr *trajectory) op(v, out []float64) {
	tmp := mat.NewVecDense(tr.n, tr.tmp)
	tmp.MulVec(tr.q.T(), mat.NewVecDense(tr.n, v))
	floats.Mul(tr.tmp, tr.vals)
	mat.NewVecDense(tr.n, out).MulVec(tr.q, tmp)
}

// sorted returns λ(t) in w's order.
func (tr *trajectory) sorted(w Which) []float64 {
	vals := append([]float64(nil), tr.vals...)
	sort.Slice(vals, func(i, j int) bool { return w.before(vals[i], vals[j]) })
	return vals
}

// TestWarmStartedTrajectory follows both drifting matrices with warm starts.
// On the separated one, whose top eigenvalues never cross, every step must
// return the known top of the spectrum. On the crowded one an eigenvalue that
// rises into the top K from outside can be missed, since a warm start holds
// almost none of its eigenvector (a limitation of warm-started tracking, for
// both methods); there every returned value must still be a true eigenvalue.
func TestWarmStartedTrajectory(t *testing.T) {
	for _, s := range eigSolvers {
		for _, kind := range trajectoryKinds {
			for _, which := range []Which{LargestAlgebraic, LargestMagnitude} {
				tr := newTrajectory(kind, 300, 1)
				var start [][]float64
				for step := 0; step < 8; step++ {
					tr.advance(step)
					res, err := s.fn(tr.n, tr.op, EigOptions{K: 3, Which: which, Tol: 1e-8, Start: start, Seed: uint64(step)})
					if err != nil {
						t.Fatal(err)
					}
					if !res.Converged {
						t.Errorf("%s %s %v step %d: not converged", s.name, kind.name, which, step)
					}
					want := tr.sorted(which)
					for i, v := range res.Values {
						if kind.name == "separated" && math.Abs(v-want[i]) > 1e-7*math.Abs(want[i]) {
							t.Errorf("%s %s %v step %d: value %d = %.12g, want %.12g", s.name, kind.name, which, step, i, v, want[i])
						}
						if !isEigenvalue(v, want, spectralNorm(want)) {
							t.Errorf("%s %s %v step %d: value %d = %.12g is no eigenvalue", s.name, kind.name, which, step, i, v)
						}
					}
					start = res.Vectors
				}
			}
		}
	}
}
