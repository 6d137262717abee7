package asm

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// tanhInputs are the test arguments: a dense grid over [−12, 12] (step
// 10⁻⁵, so it crosses the clamp and the tiny-argument bound), the float32
// neighbours of those bounds, ±Inf, NaN, ±0 and tiny and subnormal values.
func tanhInputs() []float32 {
	var x []float32
	for i := -1_200_000; i <= 1_200_000; i++ {
		x = append(x, float32(float64(i)*1e-5))
	}
	for _, b := range []float32{tanhClamp, tanhTiny} {
		for _, v := range []float32{b, math.Nextafter32(b, 0), math.Nextafter32(b, 100)} {
			x = append(x, v, -v)
		}
	}
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	return append(x, inf, -inf, nan, 0, float32(math.Copysign(0, -1)), 1e-30, -3e-5, 1e-40, -1e-45, 3.9e-4, 20, -1e30)
}

// tanhRun applies kern to a copy of x and returns z, d1 and d2 (d2 nil when
// withD2 is false).
func tanhRun(kern Activation32, x []float32, withD2 bool) (z, d1, d2 []float32) {
	z = slices.Clone(x)
	d1 = make([]float32, len(x))
	if withD2 {
		d2 = make([]float32, len(x))
	}
	kern(z, d1, d2)
	return z, d1, d2
}

func isNaN32(v float32) bool { return v != v }

// TestTanh32AgainstMathTanh checks every supported level against math.Tanh:
// σ to 5·10⁻⁷ relative, tiny arguments (and ±0) returned unchanged, NaN
// propagated to σ, σ' and σ″; σ' and σ″ against 1 − t² and −2t(1 − t²) in
// float64 from the kernel's own t; and that a nil d2 changes neither σ nor σ'.
func TestTanh32AgainstMathTanh(t *testing.T) {
	x := tanhInputs()
	for level, kern := range Tanh32Kernels() {
		z, d1, d2 := tanhRun(kern, x, true)
		zn, d1n, _ := tanhRun(kern, x, false)
		worst := 0.0
		for i, xi := range x {
			if math.Float32bits(zn[i]) != math.Float32bits(z[i]) || math.Float32bits(d1n[i]) != math.Float32bits(d1[i]) {
				t.Errorf("%s: x=%g: with d2 nil got (%g, %g), with d2 (%g, %g)", level, xi, zn[i], d1n[i], z[i], d1[i])
			}
			if isNaN32(xi) {
				if !isNaN32(z[i]) || !isNaN32(d1[i]) || !isNaN32(d2[i]) {
					t.Errorf("%s: x=NaN gives (%g, %g, %g), want NaNs", level, z[i], d1[i], d2[i])
				}
				continue
			}
			if xi > -tanhTiny && xi < tanhTiny && math.Float32bits(z[i]) != math.Float32bits(xi) {
				t.Errorf("%s: tanh(%g) = %g, want the argument itself", level, xi, z[i])
			}
			want := math.Tanh(float64(xi))
			tv := float64(z[i])
			if err := math.Abs(tv-want) / math.Max(math.Abs(want), 1e-45); err > worst {
				worst = err
			}
			if dw := 1 - tv*tv; math.Abs(float64(d1[i])-dw) > 1.2e-7 {
				t.Errorf("%s: x=%g: σ' = %g, want 1 − t² = %g", level, xi, d1[i], dw)
			}
			if hw := -2 * tv * float64(d1[i]); math.Abs(float64(d2[i])-hw) > 1.2e-7*math.Abs(hw) {
				t.Errorf("%s: x=%g: σ″ = %g, want −2tσ' = %g", level, xi, d2[i], hw)
			}
		}
		t.Logf("%s: worst relative error against math.Tanh %.3g", level, worst)
		if worst > 5e-7 {
			t.Errorf("%s: tanh relative error %.3g, want ≤ 5e-7 (about 4 float32 ulp)", level, worst)
		}
	}
}

// TestTanh32LevelsMatchGeneric checks every supported level against the
// generic kernel: the same NaNs and tiny arguments bit for bit, and σ, σ', σ″
// within the rounding differences fused multiply-adds make (a few ulp of 1).
func TestTanh32LevelsMatchGeneric(t *testing.T) {
	x := tanhInputs()
	gz, gd1, gd2 := tanhRun(tanhGo32, x, true)
	for level, kern := range Tanh32Kernels() {
		if level == "generic" {
			continue
		}
		z, d1, d2 := tanhRun(kern, x, true)
		var worstZ, worstD1, worstD2 float64
		for i, xi := range x {
			if isNaN32(gz[i]) != isNaN32(z[i]) || isNaN32(gd1[i]) != isNaN32(d1[i]) || isNaN32(gd2[i]) != isNaN32(d2[i]) {
				t.Errorf("%s: x=%g: got (%g, %g, %g), generic (%g, %g, %g)", level, xi, z[i], d1[i], d2[i], gz[i], gd1[i], gd2[i])
				continue
			}
			if isNaN32(xi) {
				continue
			}
			if xi > -tanhTiny && xi < tanhTiny && math.Float32bits(z[i]) != math.Float32bits(gz[i]) {
				t.Errorf("%s: x=%g: tanh %g, generic %g", level, xi, z[i], gz[i])
			}
			worstZ = max(worstZ, math.Abs(float64(z[i]-gz[i]))/math.Max(math.Abs(float64(gz[i])), 1e-45))
			worstD1 = max(worstD1, math.Abs(float64(d1[i]-gd1[i])))
			worstD2 = max(worstD2, math.Abs(float64(d2[i]-gd2[i])))
		}
		t.Logf("%s vs generic: σ relative %.3g, σ' absolute %.3g, σ″ absolute %.3g", level, worstZ, worstD1, worstD2)
		// Both are within 4·10⁻⁷ of tanh, so within 8·10⁻⁷ of each other;
		// σ' = 1 − t² and σ″ = −2tσ' inherit twice and four times that.
		if worstZ > 8e-7 || worstD1 > 1.7e-6 || worstD2 > 3.4e-6 {
			t.Errorf("%s differs from generic: σ relative %.3g, σ' %.3g, σ″ %.3g", level, worstZ, worstD1, worstD2)
		}
	}
}

// TestTanh32LengthsAndGuards runs every level on lengths 0..100 and 3072,
// with and without d2, checking that NaN-patterned guard cells after each
// slice stay untouched and that every element, tail or not, gets the same
// bits as in one long run.
func TestTanh32LengthsAndGuards(t *testing.T) {
	const guard = 2 * maxGuardWidth
	guardBits := uint32(0x7fc0dead)
	src := make([]float32, 3072)
	for i := range src {
		src[i] = float32(math.Sin(float64(i)*0.7)) * 9 // crosses the clamp too
	}
	lengths := append(make([]int, 0, 102), 3072)
	for n := 0; n <= 100; n++ {
		lengths = append(lengths, n)
	}
	for level, kern := range Tanh32Kernels() {
		rz, rd1, rd2 := tanhRun(kern, src, true)
		for _, n := range lengths {
			for _, withD2 := range []bool{false, true} {
				bufs := make([][]float32, 3)
				for b := range bufs {
					bufs[b] = make([]float32, n+guard)
					for i := n; i < n+guard; i++ {
						bufs[b][i] = math.Float32frombits(guardBits)
					}
				}
				z, d1 := bufs[0][:n:n], bufs[1][:n:n]
				copy(z, src)
				var d2 []float32
				if withD2 {
					d2 = bufs[2][:n:n]
				}
				kern(z, d1, d2)
				for b := range bufs {
					for i := n; i < n+guard; i++ {
						if math.Float32bits(bufs[b][i]) != guardBits {
							t.Fatalf("%s: n=%d d2=%v: guard cell %d after slice %d overwritten", level, n, withD2, i-n, b)
						}
					}
				}
				for i := range n {
					same := math.Float32bits(z[i]) == math.Float32bits(rz[i]) && math.Float32bits(d1[i]) == math.Float32bits(rd1[i])
					if withD2 {
						same = same && math.Float32bits(d2[i]) == math.Float32bits(rd2[i])
					}
					if !same {
						t.Fatalf("%s: n=%d d2=%v: element %d differs from the long run", level, n, withD2, i)
					}
				}
				if !withD2 && slices.ContainsFunc(bufs[2][:n], func(v float32) bool { return v != 0 }) {
					t.Fatalf("%s: n=%d: d2 written though nil", level, n)
				}
			}
		}
	}
}

// maxGuardWidth is the widest vector any level could overrun by.
const maxGuardWidth = 16

// TestTanh32Registered checks that every supported level offers a tanh
// kernel, that Select switches the one in use, and that Describe names it.
func TestTanh32Registered(t *testing.T) {
	restoreAuto(t)
	kernels := Tanh32Kernels()
	for _, l := range Levels() {
		if !l.Supported {
			continue
		}
		if _, ok := kernels[l.Name]; !ok {
			t.Errorf("level %s is supported but has no tanh kernel", l.Name)
		}
		if err := Select(l.Name); err != nil {
			t.Fatal(err)
		}
		if got := tanh32op.chosen(); got != l.Name {
			t.Errorf("after Select(%s) the tanh kernel in use is %s", l.Name, got)
		}
		if d := Describe(); !strings.Contains(d, "tanh (float32)") {
			t.Errorf("Describe() does not list the tanh kernel:\n%s", d)
		}
	}
	if len(kernels) != len(slices.DeleteFunc(Levels(), func(l Level) bool { return !l.Supported })) {
		t.Errorf("%d tanh kernels for the supported levels %v", len(kernels), Levels())
	}
}
