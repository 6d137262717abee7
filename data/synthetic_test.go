package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestChebyshev(t *testing.T) {
	for _, k := range []int{0, 1, 2, 3, 5, 8} {
		for _, n := range []int{2, 20, 101} {
			s, err := Load(fmt.Sprintf("chebyshev-%d-%d", k, n), "", 0)
			if err != nil {
				t.Fatal(err)
			}
			tr := s.Train
			if s.Test != tr || tr.N != n || tr.D != 1 || tr.Outputs != 1 || tr.Classes != 0 || len(tr.X) != n || len(tr.Targets) != n || tr.Pixels != nil {
				t.Fatalf("k=%d n=%d: shape N=%d D=%d Outputs=%d Classes=%d, test is train: %v", k, n, tr.N, tr.D, tr.Outputs, tr.Classes, s.Test == tr)
			}
			if tr.X[0] != -1 || tr.X[n-1] != 1 {
				t.Fatalf("endpoints %v, %v", tr.X[0], tr.X[n-1])
			}
			for i, x := range tr.X {
				if want := -1 + 2*float64(i)/float64(n-1); math.Abs(x-want) > 2e-7 || float64(float32(x)) != x {
					t.Fatalf("x[%d] = %v, want a float32 near %v", i, x, want)
				}
				if i < n/2 && tr.X[n-1-i] != -x {
					t.Fatalf("x[%d] = %v but x[%d] = %v", i, x, n-1-i, tr.X[n-1-i])
				}
				if want := math.Cos(float64(k) * math.Acos(x)); math.Abs(tr.Targets[i]-want) > 1e-6 {
					t.Fatalf("T_%d(%v) = %v, want %v", k, x, tr.Targets[i], want)
				}
			}
		}
	}
}

func TestOrthonormalColumns(t *testing.T) {
	const n, d = 40, 9
	g := gaussians(rand.New(rand.NewPCG(1, 2)), n*d)
	q := orthonormalColumns(g, n, d)
	for a := range d {
		for b := range d {
			var qq, qg float64
			for i := range n {
				qq += q[i*d+a] * q[i*d+b]
				qg += q[i*d+a] * g[i*d+b]
			}
			if want := float64(boolInt(a == b)); math.Abs(qq-want) > 1e-12 {
				t.Fatalf("(QᵀQ)[%d][%d] = %v", a, b, qq)
			}
			// R = QᵀG must be upper triangular with a positive diagonal.
			if (a > b && math.Abs(qg) > 1e-12) || (a == b && qg <= 0) {
				t.Fatalf("(QᵀG)[%d][%d] = %v", a, b, qg)
			}
		}
	}
	// G lies in the span of Q: Q(QᵀG) = G.
	for i := range n {
		for b := range d {
			var rebuilt float64
			for a := range d {
				var r float64
				for l := range n {
					r += q[l*d+a] * g[l*d+b]
				}
				rebuilt += q[i*d+a] * r
			}
			if math.Abs(rebuilt-g[i*d+b]) > 1e-12 {
				t.Fatalf("Q·QᵀG differs from G at (%d,%d)", i, b)
			}
		}
	}
}

func TestLinear(t *testing.T) {
	const n, d, seed = 60, 7, 11
	s, err := Load("linear-60-7", "", seed)
	if err != nil {
		t.Fatal(err)
	}
	tr := s.Train
	if s.Test != tr || tr.N != n || tr.D != d || tr.Outputs != d || tr.Classes != 0 || len(tr.X) != n*d || len(tr.Targets) != n*d {
		t.Fatalf("shape N=%d D=%d Outputs=%d Classes=%d", tr.N, tr.D, tr.Outputs, tr.Classes)
	}
	// The A of the construction: the d×d draws after X's n×d ones.
	r := rand.New(rand.NewPCG(seed, streamLinear))
	gaussians(r, n*d)
	a := gaussians(r, d*d)
	// XᵀX = n·I, so XᵀY/n = XᵀXAᵀ/n = Aᵀ.
	for p := range d {
		for q := range d {
			var xx, xy float64
			for i := range n {
				xx += tr.X[i*d+p] * tr.X[i*d+q]
				xy += tr.X[i*d+p] * tr.Targets[i*d+q]
			}
			if want := n * float64(boolInt(p == q)); math.Abs(xx-want) > 1e-9 {
				t.Fatalf("(XᵀX)[%d][%d] = %v, want %v", p, q, xx, want)
			}
			if math.Abs(xy/n-a[q*d+p]) > 1e-9 {
				t.Fatalf("(XᵀY/n)[%d][%d] = %v, want A[%d][%d] = %v", p, q, xy/n, q, p, a[q*d+p])
			}
		}
	}
	again, _ := Load("linear-60-7", "", seed)
	other, _ := Load("linear-60-7", "", seed+1)
	if again.Train.Checksum != tr.Checksum || other.Train.Checksum == tr.Checksum {
		t.Error("linear set not determined by its seed")
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
