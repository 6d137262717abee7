package net

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/edge-of-stability/eos/linalg"
)

// Architecture families.
const (
	familyFC         = "fc"
	familyDeepLinear = "deeplinear"
	familyRegression = "regression"
	familyCNN        = "cnn"
)

// Pooling kinds of the cnn family.
const (
	poolMax = "max"
	poolAvg = "avg"
)

// Initialisation schemes.
const (
	// InitStandard is PyTorch's nn.Linear default (the special nets use their reference init).
	InitStandard = "standard"
	// InitXavier is Xavier-normal weights and zero biases.
	InitXavier = "xavier"
	// InitNTK is the NTK parametrisation: N(0,1) parameters, and each layer
	// computes z = W·x/√fan_in + b (the scaling is part of the function).
	InitNTK = "ntk"
)

const (
	defaultWidth     = 200 // hidden width of the reference fc nets
	deepLinearLayers = 20  // layers of the reference deep linear net
	deepLinearWidth  = 50  // width of the reference deep linear net
	regressionWidth  = 100 // hidden width of the reference regression net
	regressionGain   = 1.9 // Xavier gain of the regression net's first layer
	maxDepthAlias    = 4   // fc-tanh-depth1 … fc-tanh-depth4
	noBiasSuffix     = "-nobias"
	cnnWidth         = 32 // channels of each conv layer of the reference cnn nets
	cnnKernel        = 3  // the reference's conv options: 3×3, stride 1, padding 1
	cnnPool          = 2  // the reference's 2×2 pooling
	avgPoolPrefix    = "avgpool-"
)

// Arch describes a network of the reference's families: a stack of Linear
// layers with the same activation after every layer but the last (fc,
// deeplinear, regression), or blocks of Conv2d, activation and 2×2 pooling
// followed by one Linear layer (cnn).
type Arch struct {
	// Name is the architecture name as parsed, e.g. "fc-tanh".
	Name string
	// Family is "fc", "deeplinear", "regression" or "cnn".
	Family string
	// Activation is the nonlinearity between layers ("linear" for none).
	Activation string
	// Input is the shape of one input example.
	Input Shape
	// Out is the number of outputs.
	Out int
	// Hidden holds the widths of the hidden layers (fc) or the channel
	// counts of the conv layers (cnn).
	Hidden []int
	// Bias says whether the fc layers have biases (the special families fix their own).
	Bias bool
	// Init is the initialisation scheme: "standard", "xavier" or "ntk".
	Init string
	// Pool is the cnn family's pooling, "max" or "avg".
	Pool string
}

// Layer is one Linear layer of a fully connected Arch.
type Layer struct {
	// In and Out are the layer's fan-in and fan-out.
	In, Out int
	// Bias says whether the layer adds a bias.
	Bias bool
}

// Layers lists the Linear layers of a fully connected Arch (families fc,
// deeplinear and regression), input side first.
func (a Arch) Layers() []Layer {
	widths := append(append([]int{a.Input.Size()}, a.Hidden...), a.Out)
	layers := make([]Layer, len(widths)-1)
	for l := range layers {
		bias := a.Bias
		switch a.Family {
		case familyDeepLinear:
			bias = false
		case familyRegression:
			bias = l == 0
		}
		layers[l] = Layer{In: widths[l], Out: widths[l+1], Bias: bias}
	}
	return layers
}

// module is the index in the PyTorch nn.Sequential of Linear layer l.
func (a Arch) module(l int) int {
	switch a.Family {
	case familyDeepLinear:
		return l
	case familyRegression:
		return 2 * l
	default: // module 0 is Flatten, activations take the even indices
		return 2*l + 1
	}
}

// ArchNames lists the architecture names ParseArch accepts (any fc name may
// also take the suffix "-nobias").
func ArchNames() []string {
	var names []string
	for _, act := range activationNames {
		names = append(names, "fc-"+act)
	}
	for d := 1; d <= maxDepthAlias; d++ {
		names = append(names, "fc-tanh-depth"+strconv.Itoa(d))
	}
	names = append(names, familyDeepLinear, familyRegression)
	for _, pool := range []string{"", avgPoolPrefix} {
		for _, act := range activationNames {
			names = append(names, familyCNN+"-"+pool+act)
		}
	}
	return names
}

// ParseArch resolves an architecture name for a dataset whose examples have
// shape in and out outputs. hidden overrides the hidden widths (fc nets) or
// the channel counts (cnn nets) when non-nil. init is "standard", "xavier" or
// "ntk".
//
// Names are fc-<act> (two hidden layers of 200 unless hidden says otherwise),
// fc-tanh-depth1 … fc-tanh-depth4 (that many hidden layers of 200),
// deeplinear (20 bias-free Linear(50,50) layers), regression (Linear(in,100),
// tanh, bias-free Linear(100,out)), and the reference's convnets cnn-<act>
// and cnn-avgpool-<act>: per channel count (32,32 by default) a Conv2d(3×3,
// padding 1) with bias, the activation and a 2×2 max (or average) pooling,
// then Flatten and a Linear layer to the outputs. An fc name may end in
// "-nobias" to drop every bias.
func ParseArch(name string, hidden []int, in Shape, out int, init string) (Arch, error) {
	if in.Size() <= 0 || out <= 0 {
		return Arch{}, fmt.Errorf("architecture %s: dataset has %d inputs and %d outputs, need at least 1 of each", name, in.Size(), out)
	}
	switch init {
	case InitStandard, InitXavier, InitNTK:
	default:
		return Arch{}, fmt.Errorf("unknown init %q (want standard, xavier or ntk)", init)
	}
	a := Arch{Name: name, Input: in, Out: out, Bias: true, Init: init}
	if rest, ok := strings.CutPrefix(name, familyCNN+"-"); ok {
		return a.parseCNN(rest, hidden)
	}
	switch name {
	case familyDeepLinear:
		if hidden != nil {
			return Arch{}, fmt.Errorf("architecture deeplinear has fixed widths; hidden widths apply to fc nets only")
		}
		if in.Size() != deepLinearWidth || out != deepLinearWidth {
			return Arch{}, fmt.Errorf("architecture deeplinear needs %d inputs and %d outputs, dataset has %d and %d", deepLinearWidth, deepLinearWidth, in.Size(), out)
		}
		a.Family, a.Activation, a.Bias = familyDeepLinear, actLinear, false
		a.Hidden = slices.Repeat([]int{deepLinearWidth}, deepLinearLayers-1)
		return a, nil
	case familyRegression:
		if hidden != nil {
			return Arch{}, fmt.Errorf("architecture regression has a fixed width; hidden widths apply to fc nets only")
		}
		a.Family, a.Activation, a.Hidden = familyRegression, actTanh, []int{regressionWidth}
		return a, nil
	}
	rest, ok := strings.CutPrefix(name, "fc-")
	if !ok {
		return Arch{}, fmt.Errorf("unknown architecture %q (known: %s)", name, strings.Join(ArchNames(), ", "))
	}
	a.Family = familyFC
	if r, ok := strings.CutSuffix(rest, noBiasSuffix); ok {
		rest, a.Bias = r, false
	}
	widths := []int{defaultWidth, defaultWidth}
	if r, ok := strings.CutPrefix(rest, "tanh-depth"); ok {
		d, err := strconv.Atoi(r)
		if err != nil || d < 1 || d > maxDepthAlias {
			return Arch{}, fmt.Errorf("unknown architecture %q: depth aliases are fc-tanh-depth1 … fc-tanh-depth%d", name, maxDepthAlias)
		}
		if hidden != nil {
			return Arch{}, fmt.Errorf("architecture %s fixes its widths; use fc-tanh with hidden widths instead", name)
		}
		rest, widths = actTanh, slices.Repeat([]int{defaultWidth}, d)
	}
	if _, ok := activations[rest]; !ok {
		return Arch{}, fmt.Errorf("unknown activation %q in architecture %q (known: %s)", rest, name, strings.Join(activationNames, ", "))
	}
	a.Activation = rest
	if hidden != nil {
		if err := checkWidths(name, hidden); err != nil {
			return Arch{}, err
		}
		widths = slices.Clone(hidden)
	}
	a.Hidden = widths
	return a, nil
}

// checkWidths reports an empty or non-positive list of widths.
func checkWidths(name string, widths []int) error {
	if len(widths) == 0 {
		return fmt.Errorf("architecture %s: need at least one hidden width", name)
	}
	for _, w := range widths {
		if w <= 0 {
			return fmt.Errorf("architecture %s: hidden width %d is not positive", name, w)
		}
	}
	return nil
}

// parseCNN completes a cnn-family Arch from the name's rest after "cnn-".
func (a Arch) parseCNN(rest string, channels []int) (Arch, error) {
	a.Family, a.Pool, a.Hidden = familyCNN, poolMax, []int{cnnWidth, cnnWidth}
	if r, ok := strings.CutPrefix(rest, avgPoolPrefix); ok {
		rest, a.Pool = r, poolAvg
	}
	if _, ok := activations[rest]; !ok {
		return Arch{}, fmt.Errorf("unknown activation %q in architecture %q (known: %s)", rest, a.Name, strings.Join(activationNames, ", "))
	}
	a.Activation = rest
	if channels != nil {
		if err := checkWidths(a.Name, channels); err != nil {
			return Arch{}, err
		}
		a.Hidden = slices.Clone(channels)
	}
	side := min(a.Input.H, a.Input.W)
	if a.Input.H == 1 && a.Input.W == 1 || side>>len(a.Hidden) < 1 {
		return Arch{}, fmt.Errorf("architecture %s needs images of at least %d×%d pixels (%d poolings), dataset examples are %s", a.Name, 1<<len(a.Hidden), 1<<len(a.Hidden), len(a.Hidden), a.Input)
	}
	return a, nil
}

// layerSpec describes one layer of an Arch: its kind, input shape, size,
// PyTorch module index (for the state_dict names) and initialisation.
type layerSpec struct {
	kind   layerKind
	in     Shape
	outs   int // Linear features, Conv2d channels
	k      int // Conv2d kernel side, pooling window height
	kw     int // pooling window width (0: k)
	stride int // Conv2d stride (0: 1)
	pad    int // Conv2d zero padding
	bias   bool
	act    string // "" for none
	module int
	init   initRule
}

// layerKind is the kind of a layerSpec.
type layerKind int

const (
	kindLinear layerKind = iota
	kindConv
	kindMaxPool
	kindAvgPool
)

// newLayer builds the layer s describes, its parameters placed at *off.
func newLayer[T linalg.Float](s layerSpec, ntk bool, off *int) layer[T] {
	switch s.kind {
	case kindConv:
		return newConv2d[T](s.in, s.outs, s.k, max(s.stride, 1), s.pad, s.bias, s.act, ntk, off)
	case kindMaxPool, kindAvgPool:
		kw := s.kw
		if kw == 0 {
			kw = s.k
		}
		return newPool2d[T](s.in, s.k, kw, s.kind == kindMaxPool)
	default:
		return newLinear[T](s.in, s.outs, s.bias, s.act, ntk, off)
	}
}

// rule is the initialisation of a's layer l (of n parameter layers) under a.Init.
func (a Arch) rule(l int) initRule {
	switch {
	case a.Init == InitNTK:
		return initRule{kind: initStandardNormal}
	case a.Family == familyRegression && l == 0:
		return initRule{kind: initXavierNormal, gain: regressionGain}
	case a.Init == InitXavier || a.Family == familyDeepLinear || a.Family == familyRegression:
		return initRule{kind: initXavierNormal, gain: 1}
	default:
		return initRule{kind: initUniform}
	}
}

// layerSpecs lists a's layers, input side first.
func (a Arch) layerSpecs() []layerSpec {
	var specs []layerSpec
	if a.Family != familyCNN {
		in := a.Input
		layers := a.Layers()
		for l, ly := range layers {
			s := layerSpec{kind: kindLinear, in: in, outs: ly.Out, bias: ly.Bias, module: a.module(l), init: a.rule(l)}
			if l < len(layers)-1 {
				s.act = a.Activation
			}
			specs = append(specs, s)
			in = Vector(ly.Out)
		}
		return specs
	}
	in := a.Input
	pool := kindMaxPool
	if a.Pool == poolAvg {
		pool = kindAvgPool
	}
	for l, ch := range a.Hidden {
		specs = append(specs,
			layerSpec{kind: kindConv, in: in, outs: ch, k: cnnKernel, pad: cnnKernel / 2, bias: true, act: a.Activation, module: 3 * l, init: a.rule(l)},
			layerSpec{kind: pool, in: Shape{C: ch, H: in.H, W: in.W}, k: cnnPool, module: 3*l + 2})
		in = Shape{C: ch, H: in.H / cnnPool, W: in.W / cnnPool}
	}
	return append(specs, layerSpec{kind: kindLinear, in: in, outs: a.Out, bias: true, module: 3*len(a.Hidden) + 1, init: a.rule(len(a.Hidden))})
}
