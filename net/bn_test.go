package net

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/edge-of-stability/eos/data"
)

// tensorSpec is a state_dict entry: name and shape.
type tensorSpec struct {
	name  string
	shape []int
}

// resnetTensors lists the reference ResNet-32's parameters in PyTorch's
// registration order, derived from resnet_cifar.py's module structure:
// conv1, bn1, per block conv1, bn1, conv2, bn2 (and downsample.1), fc.
func resnetTensors() []tensorSpec {
	ts := []tensorSpec{{"conv1.weight", []int{16, 3, 3, 3}}, {"bn1.weight", []int{16}}, {"bn1.bias", []int{16}}}
	in := 16
	for s, ch := range []int{16, 32, 64} {
		for b := range 5 {
			p := fmt.Sprintf("layer%d.%d.", s+1, b)
			ts = append(ts,
				tensorSpec{p + "conv1.weight", []int{ch, in, 3, 3}}, tensorSpec{p + "bn1.weight", []int{ch}}, tensorSpec{p + "bn1.bias", []int{ch}},
				tensorSpec{p + "conv2.weight", []int{ch, ch, 3, 3}}, tensorSpec{p + "bn2.weight", []int{ch}}, tensorSpec{p + "bn2.bias", []int{ch}})
			if s > 0 && b == 0 {
				ts = append(ts, tensorSpec{p + "downsample.1.weight", []int{in}}, tensorSpec{p + "downsample.1.bias", []int{in}})
			}
			in = ch
		}
	}
	return append(ts, tensorSpec{"fc.weight", []int{10, 64}}, tensorSpec{"fc.bias", []int{10}})
}

// vggTensors lists VGG-11's parameters (vgg.py, configuration A, no
// dropout): the features' conv (and BatchNorm) modules at the given
// indices of the nn.Sequential, then the classifier's Linear layers.
func vggTensors(bn bool) []tensorSpec {
	convAt := []int{0, 3, 6, 8, 11, 13, 16, 18}
	if bn {
		convAt = []int{0, 4, 8, 11, 15, 18, 22, 25}
	}
	var ts []tensorSpec
	in := 3
	for i, ch := range []int{64, 128, 256, 256, 512, 512, 512, 512} {
		p := fmt.Sprintf("features.%d.", convAt[i])
		ts = append(ts, tensorSpec{p + "weight", []int{ch, in, 3, 3}}, tensorSpec{p + "bias", []int{ch}})
		if bn {
			q := fmt.Sprintf("features.%d.", convAt[i]+1)
			ts = append(ts, tensorSpec{q + "weight", []int{ch}}, tensorSpec{q + "bias", []int{ch}})
		}
		in = ch
	}
	return append(ts,
		tensorSpec{"classifier.0.weight", []int{512, 512}}, tensorSpec{"classifier.0.bias", []int{512}},
		tensorSpec{"classifier.2.weight", []int{512, 512}}, tensorSpec{"classifier.2.bias", []int{512}},
		tensorSpec{"classifier.4.weight", []int{10, 512}}, tensorSpec{"classifier.4.bias", []int{10}})
}

// TestBatchNormArchLayouts pins the parameter counts, state_dict names and
// shapes in parameters() order, and output shapes of the reference's nets
// with BatchNorm and of VGG-11 and ResNet-32.
func TestBatchNormArchLayouts(t *testing.T) {
	cnnBN := []tensorSpec{
		{"0.weight", []int{32, 3, 3, 3}}, {"0.bias", []int{32}}, {"2.weight", []int{32}}, {"2.bias", []int{32}},
		{"4.weight", []int{32, 32, 3, 3}}, {"4.bias", []int{32}}, {"6.weight", []int{32}}, {"6.bias", []int{32}},
		{"9.weight", []int{10, 2048}}, {"9.bias", []int{10}},
	}
	fcBN := []tensorSpec{
		{"1.weight", []int{200, 3072}}, {"1.bias", []int{200}}, {"3.weight", []int{200}}, {"3.bias", []int{200}},
		{"4.weight", []int{200, 200}}, {"4.bias", []int{200}}, {"6.weight", []int{200}}, {"6.bias", []int{200}},
		{"7.weight", []int{10, 200}}, {"7.bias", []int{10}},
	}
	cases := []struct {
		name   string
		params int
		want   []tensorSpec
	}{
		{"cnn-bn-relu", 30762, cnnBN}, {"cnn-bn-elu", 30762, cnnBN}, {"cnn-bn-tanh", 30762, cnnBN},
		{"fc-bn-tanh", 3072*200 + 200 + 400 + 200*200 + 200 + 400 + 2010, fcBN},
		{"vgg11", 9750922, vggTensors(false)}, {"vgg11-bn", 9756426, vggTensors(true)},
		{"resnet32", 464250, resnetTensors()},
	}
	for _, c := range cases {
		a, err := ParseArch(c.name, nil, cifarShape, 10, InitStandard)
		if err != nil {
			t.Fatal(err)
		}
		m := NewModel[float32](a)
		if m.NumParams() != c.params {
			t.Errorf("%s has %d parameters, the reference %d", c.name, m.NumParams(), c.params)
		}
		if !a.BatchNorm != (c.name == "vgg11") || a.DefaultGhostBatch() != map[bool]int{true: 1000}[a.BatchNorm] {
			t.Errorf("%s: BatchNorm %v, default ghost batch %d", c.name, a.BatchNorm, a.DefaultGhostBatch())
		}
		ts := m.Tensors()
		off := 0
		for i, tn := range ts {
			if i >= len(c.want) || tn.Name != c.want[i].name || !slices.Equal(tn.Shape, c.want[i].shape) || tn.Offset != off {
				t.Errorf("%s: tensor %d is %s %v at %d", c.name, i, tn.Name, tn.Shape, tn.Offset)
				break
			}
			off += tn.Len
		}
		if len(ts) != len(c.want) || off != m.NumParams() || m.Output() != Vector(10) {
			t.Errorf("%s: %d tensors (want %d) covering %d parameters, output %v", c.name, len(ts), len(c.want), off, m.Output())
		}
	}
	for _, c := range []struct {
		name, init string
		in         Shape
		widths     []int
	}{
		{"vgg11", InitStandard, Shape{C: 3, H: 16, W: 16}, nil},
		{"vgg11-bn", InitStandard, Shape{C: 1, H: 32, W: 32}, nil},
		{"resnet32", InitNTK, cifarShape, nil},
		{"resnet32", InitStandard, cifarShape, []int{8}},
		{"resnet32", InitStandard, Vector(3072), nil},
	} {
		if _, err := ParseArch(c.name, c.widths, c.in, 10, c.init); err == nil {
			t.Errorf("%s (init %s) on %v with widths %v: no error", c.name, c.init, c.in, c.widths)
		}
	}
}

// TestResNetInit checks ResNet-32's reference initialisation: convolutions
// N(0, 2/fan_out) (kaiming normal, fan_out mode), every BatchNorm γ = 1 and
// β = 0 except the second BatchNorm of each block (γ = 0), fc PyTorch's
// default U(±1/√64).
func TestResNetInit(t *testing.T) {
	a, err := ParseArch("resnet32", nil, cifarShape, 10, InitStandard)
	if err != nil {
		t.Fatal(err)
	}
	m := NewModel[float64](a)
	m.Initialize(7)
	for _, tn := range m.Tensors() {
		x := m.Params[tn.Offset : tn.Offset+tn.Len]
		switch {
		case len(tn.Shape) == 4:
			want := math.Sqrt(2 / float64(tn.Shape[0]*9))
			if std := stdDev(x); math.Abs(std/want-1) > 0.05+3/math.Sqrt(float64(len(x))) {
				t.Errorf("%s: std %.4g, want %.4g", tn.Name, std, want)
			}
		case tn.Name == "fc.weight" || tn.Name == "fc.bias":
			for _, v := range x {
				if math.Abs(v) > 0.125 {
					t.Fatalf("%s holds %g outside ±1/8", tn.Name, v)
				}
			}
		default:
			want := 1.0
			if slices.Contains([]string{"bias"}, tn.Name[len(tn.Name)-4:]) || len(tn.Name) > 10 && tn.Name[len(tn.Name)-10:] == "bn2.weight" {
				want = 0
			}
			for _, v := range x {
				if v != want {
					t.Fatalf("%s holds %g, want %g", tn.Name, v, want)
				}
			}
		}
	}
}

// stdDev is the standard deviation of x about 0.
func stdDev(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s / float64(len(x)))
}

// regressionSet is a regression set of n examples of one input x and one target y.
func regressionSet(x, y []float64) *data.Set {
	return &data.Set{Name: "hand", N: len(x), D: 1, Outputs: 1, X: x, Targets: y}
}

// TestBatchNormTwoGhostBatches checks the loss and gradient of a net whose
// BatchNorm sees two ghost batches against values computed by hand:
// Linear(1,1) with w = 1, b = 0, then BatchNorm(γ = 2, β = 0.5), then
// Linear(1,1) with w = 1, b = 0, on inputs 1, 3 | 0, 4, targets 0, squared
// loss. The first batch has μ = 2, σ² = 1, so x̂ = ∓1/√(1+ε); the second
// μ = 2, σ² = 4, x̂ = ∓2/√(4+ε). With a = 1/√(1+ε), b = 2/√(4+ε) and f =
// 2x̂ + 1/2, the mean loss is ½·Σf²/4 = (1 + 8a² + 8b²)/8, ∂/∂γ = Σf·x̂/4 =
// (a² + b²), ∂/∂β = Σf/4 = 1/2, and the first layer's bias has no effect
// (the batch mean absorbs it). One ghost batch of four gives a different
// loss: σ² = 2.5, (1 + 4·10/(2.5+ε))/8.
func TestBatchNormTwoGhostBatches(t *testing.T) {
	c := (&chain{shape: Vector(1)}).linear(1, true, "").bn("").linear(1, true, "")
	m := layerModel[float64](c, Vector(1), 1)
	copy(m.Params, []float64{1, 0, 2, 0.5, 1, 0})
	s := regressionSet([]float64{1, 3, 0, 4}, []float64{0, 0, 0, 0})
	eps := 1e-5
	a, b := 1/math.Sqrt(1+eps), 2/math.Sqrt(4+eps)
	o := mustObjective(t, m, s, lossMSE, 2, 1)
	g := make([]float64, m.NumParams())
	loss := o.Grad(m.Params, g).Loss
	if want := (1 + 8*a*a + 8*b*b) / 8; math.Abs(loss-want) > 1e-14 {
		t.Errorf("loss on ghost batches of 2: %.16g, by hand %.16g", loss, want)
	}
	if math.Abs(g[2]-(a*a+b*b)) > 1e-14 || math.Abs(g[3]-0.5) > 1e-14 || math.Abs(g[1]) > 1e-14 {
		t.Errorf("gradient γ %.16g (by hand %.16g), β %.16g (0.5), first bias %.3g (0)", g[2], a*a+b*b, g[3], g[1])
	}
	one := mustObjective(t, m, s, lossMSE, 4, 1)
	if got, want := one.Eval(m.Params).Loss, (1+4*10/(2.5+eps))/8; math.Abs(got-want) > 1e-14 {
		t.Errorf("loss on one ghost batch of 4: %.16g, by hand %.16g", got, want)
	}
}

// TestBatchNormDenseHessian builds the whole Hessian of tiny nets with
// BatchNorm (a fc-bn net and a conv net with a residual block) from HVPs
// with unit vectors and compares it with second central differences of the
// plain-loop loss, on ghost batches of 3 of 7 examples.
func TestBatchNormDenseHessian(t *testing.T) {
	img := Shape{C: 1, H: 3, W: 3}
	nets := map[string]*chain{
		"fc-bn": (&chain{shape: Vector(2)}).linear(3, true, actTanh).bn("").linear(2, true, ""),
		"conv-bn-residual": (&chain{shape: img}).conv(1, 3, 1, 1, "").bn(actSoftplus).
			residual(func(b *chain) *chain { return b.conv(1, 3, 1, 1, "").bn("") }, nil, actTanh).
			pool(3, 3, false).linear(2, true, ""),
	}
	for name, c := range nets {
		t.Run(name, func(t *testing.T) {
			in := c.specs[0].in
			s := imageSet(4, 7, in, 2, false)
			m := layerModel[float64](c, in, 9)
			r := rand.New(rand.NewPCG(1, 2))
			for i := range m.Params {
				m.Params[i] += 0.3 * r.NormFloat64()
			}
			n, theta, tensors := m.NumParams(), m.Params, m.Tensors()
			o := mustObjective(t, m, s, lossCE, 3, 1)
			o.Linearize(theta)
			e, col := make([]float64, n), make([]float64, n)
			h := make([][]float64, n)
			for j := range n {
				e[j] = 1
				o.HVP(e, col)
				e[j] = 0
				h[j] = append([]float64(nil), col...)
			}
			const d = 1e-4
			tp := append([]float64(nil), theta...)
			f := func(i, j int, si, sj float64) float64 {
				copy(tp, theta)
				tp[i] += si * d
				tp[j] += sj * d
				return refLoss(c.specs, tensors, tp, s, lossCE, 3)
			}
			worst := 0.0
			for i := range n {
				for j := i; j < n; j++ {
					fd := (f(i, j, 1, 1) - f(i, j, 1, -1) - f(i, j, -1, 1) + f(i, j, -1, -1)) / (4 * d * d)
					worst = math.Max(worst, math.Abs(h[j][i]-fd))
					if math.Abs(h[i][j]-h[j][i]) > 1e-12 {
						t.Fatalf("H[%d][%d] = %.15g but H[%d][%d] = %.15g", i, j, h[i][j], j, i, h[j][i])
					}
				}
			}
			if worst > 1e-5 {
				t.Errorf("the Hessian from HVPs differs from second differences of the plain-loop loss by %.3g", worst)
			}
		})
	}
}
