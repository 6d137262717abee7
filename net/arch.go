package net

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Architecture families.
const (
	familyFC         = "fc"
	familyDeepLinear = "deeplinear"
	familyRegression = "regression"
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
)

// Arch describes a network: a stack of Linear layers with the same
// activation after every layer but the last.
type Arch struct {
	// Name is the architecture name as parsed, e.g. "fc-tanh".
	Name string
	// Family is "fc", "deeplinear" or "regression".
	Family string
	// Activation is the nonlinearity between layers ("linear" for none).
	Activation string
	// In and Out are the numbers of input features and outputs.
	In, Out int
	// Hidden holds the widths of the hidden layers.
	Hidden []int
	// Bias says whether the fc layers have biases (the special families fix their own).
	Bias bool
	// Init is the initialisation scheme: "standard", "xavier" or "ntk".
	Init string
}

// Layer is one Linear layer of an Arch.
type Layer struct {
	// In and Out are the layer's fan-in and fan-out.
	In, Out int
	// Bias says whether the layer adds a bias.
	Bias bool
}

// Layers lists the Linear layers of a, input side first.
func (a Arch) Layers() []Layer {
	widths := append(append([]int{a.In}, a.Hidden...), a.Out)
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
	return append(names, familyDeepLinear, familyRegression)
}

// ParseArch resolves an architecture name for a dataset with in input features and out outputs.
// hidden overrides the hidden widths when non-nil (fc nets only). init is "standard", "xavier" or "ntk".
//
// Names are fc-<act> (two hidden layers of 200 unless hidden says otherwise),
// fc-tanh-depth1 … fc-tanh-depth4 (that many hidden layers of 200),
// deeplinear (20 bias-free Linear(50,50) layers) and regression (Linear(in,100),
// tanh, bias-free Linear(100,out)). An fc name may end in "-nobias" to drop
// every bias.
func ParseArch(name string, hidden []int, in, out int, init string) (Arch, error) {
	if in <= 0 || out <= 0 {
		return Arch{}, fmt.Errorf("architecture %s: dataset has %d inputs and %d outputs, need at least 1 of each", name, in, out)
	}
	switch init {
	case InitStandard, InitXavier, InitNTK:
	default:
		return Arch{}, fmt.Errorf("unknown init %q (want standard, xavier or ntk)", init)
	}
	a := Arch{Name: name, In: in, Out: out, Bias: true, Init: init}
	switch name {
	case familyDeepLinear:
		if hidden != nil {
			return Arch{}, fmt.Errorf("architecture deeplinear has fixed widths; hidden widths apply to fc nets only")
		}
		if in != deepLinearWidth || out != deepLinearWidth {
			return Arch{}, fmt.Errorf("architecture deeplinear needs %d inputs and %d outputs, dataset has %d and %d", deepLinearWidth, deepLinearWidth, in, out)
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
		if len(hidden) == 0 {
			return Arch{}, fmt.Errorf("architecture %s: need at least one hidden width", name)
		}
		for _, w := range hidden {
			if w <= 0 {
				return Arch{}, fmt.Errorf("architecture %s: hidden width %d is not positive", name, w)
			}
		}
		widths = slices.Clone(hidden)
	}
	a.Hidden = widths
	return a, nil
}
