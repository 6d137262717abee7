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
	familyVGG        = "vgg"
	familyResNet     = "resnet"
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
	bnPrefix         = "bn-"
	vgg11Name        = "vgg11"
	resnet32Name     = "resnet32"
	resnetBlocks     = 5 // BasicBlocks per stage of ResNet-32
	defaultGhost     = 1000
)

// vgg11Config is VGG's configuration A: the conv layers' channels, 0 for a
// 2×2 max pooling.
var vgg11Config = []int{64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0}

// resnetWidths are the channels of ResNet-32's three stages.
var resnetWidths = []int{16, 32, 64}

// Arch describes a network of the reference's families: a stack of Linear
// layers with the same activation after every layer but the last (fc,
// deeplinear, regression), blocks of Conv2d, activation and 2×2 pooling
// followed by one Linear layer (cnn), VGG-11 (vgg) or ResNet-32 (resnet);
// fc and cnn nets may have BatchNorm layers.
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
	// BatchNorm says whether the net has BatchNorm layers (fc-bn, cnn-bn,
	// vgg11-bn, resnet32), which normalise each ghost batch by its own
	// statistics.
	BatchNorm bool
	// Blocks is the number of residual blocks per stage (resnet).
	Blocks int
}

// images says whether a's first layer takes images (C×H×W inputs).
func (a Arch) images() bool {
	return a.Family == familyCNN || a.Family == familyVGG || a.Family == familyResNet
}

// DefaultGhostBatch is the chunk size (--physical-batch) a net takes by
// default: the reference's 1,000 for nets with BatchNorm, whose results
// depend on it, and 0 (no preference; results do not depend on it) otherwise.
func (a Arch) DefaultGhostBatch() int {
	if a.BatchNorm {
		return defaultGhost
	}
	return 0
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
	default: // module 0 is Flatten, then Linear, activation (and BatchNorm1d) per hidden layer
		if a.BatchNorm {
			return 3*l + 1
		}
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
	for _, act := range activationNames {
		names = append(names, "fc-"+bnPrefix+act)
	}
	for _, pool := range []string{"", avgPoolPrefix, bnPrefix} {
		for _, act := range activationNames {
			names = append(names, familyCNN+"-"+pool+act)
		}
	}
	return append(names, vgg11Name, vgg11Name+"-bn", resnet32Name)
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
// "-nobias" to drop every bias. With BatchNorm: fc-bn-<act> (Linear, act,
// BatchNorm1d per hidden layer), cnn-bn-<act> (Conv2d, act, BatchNorm2d,
// 2×2 max pooling per block), vgg11 and vgg11-bn (VGG-11 without dropout,
// for 32×32 images, the latter with BatchNorm after each conv), and
// resnet32 (the reference's CIFAR ResNet-32).
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
	case vgg11Name, vgg11Name + "-bn", resnet32Name:
		return a.parseDeep(hidden)
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
	if r, ok := strings.CutPrefix(rest, bnPrefix); ok {
		rest, a.BatchNorm = r, true
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
	if r, ok := strings.CutPrefix(rest, bnPrefix); ok {
		rest, a.BatchNorm = r, true
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

// parseDeep completes vgg11, vgg11-bn or resnet32, which fix their widths
// and take RGB images (32×32 for VGG, whose classifier takes 512 features).
func (a Arch) parseDeep(hidden []int) (Arch, error) {
	if hidden != nil {
		return Arch{}, fmt.Errorf("architecture %s fixes its widths; hidden widths apply to fc and cnn nets only", a.Name)
	}
	if a.Init != InitStandard {
		return Arch{}, fmt.Errorf("architecture %s has its reference initialisation only (--init standard), not %s", a.Name, a.Init)
	}
	a.Activation = actReLU
	if a.Name == resnet32Name {
		a.Family, a.BatchNorm, a.Hidden, a.Blocks = familyResNet, true, slices.Clone(resnetWidths), resnetBlocks
		if a.Input.C != 3 || a.Input.H < 4 || a.Input.W < 4 {
			return Arch{}, fmt.Errorf("architecture %s takes RGB images of at least 4×4 pixels, dataset examples are %s", a.Name, a.Input)
		}
		return a, nil
	}
	a.Family, a.BatchNorm, a.Hidden = familyVGG, a.Name != vgg11Name, slices.Clone(vgg11Config)
	if a.Input.C != 3 || a.Input.H/32 != 1 || a.Input.W/32 != 1 {
		return Arch{}, fmt.Errorf("architecture %s takes 32×32 RGB images (its classifier takes 512 features), dataset examples are %s", a.Name, a.Input)
	}
	return a, nil
}

// layerSpec describes one layer of an Arch: its kind, input shape, size,
// PyTorch module name (for the state_dict names) and initialisation.
type layerSpec struct {
	kind   layerKind
	in     Shape
	outs   int // Linear features, Conv2d channels
	k      int // Conv2d kernel side, pooling window height
	kw     int // pooling window width (0: k)
	stride int // Conv2d stride (0: 1), pooling stride (0: the window)
	pad    int // Conv2d zero padding
	bias   bool
	act    string // "" for none
	name   string // the module's name in the state_dict, e.g. "3" or "layer1.0"
	init   initRule
	// zeroGamma starts a BatchNorm's γ at 0 (the ResNet's last BN of each block).
	zeroGamma bool
	// body and shortcut are a residual block's two branches (shortcut empty: identity).
	body, shortcut []layerSpec
}

// layerKind is the kind of a layerSpec.
type layerKind int

const (
	kindLinear layerKind = iota
	kindConv
	kindMaxPool
	kindAvgPool
	kindBatchNorm
	kindResidual
)

// newLayer builds the layer s describes, its parameters placed at *off.
func newLayer[T linalg.Float](s layerSpec, ntk bool, off *int) layer[T] {
	switch s.kind {
	case kindConv:
		return newConv2d[T](s.in, s.outs, s.k, max(s.stride, 1), s.pad, s.bias, s.act, ntk, off)
	case kindBatchNorm:
		g := 1.0
		if s.zeroGamma {
			g = 0
		}
		return newBatchNorm[T](s.in, s.act, g, off)
	case kindResidual:
		return newResidual[T](s, ntk, off)
	case kindMaxPool, kindAvgPool:
		kw := s.kw
		if kw == 0 {
			kw = s.k
		}
		sh, sw := s.k, kw
		if s.stride > 0 {
			sh, sw = s.stride, s.stride
		}
		return newPool2d[T](s.in, s.k, kw, sh, sw, s.kind == kindMaxPool)
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
	switch a.Family {
	case familyCNN:
		return a.cnnSpecs()
	case familyVGG:
		return a.vggSpecs()
	case familyResNet:
		return a.resnetSpecs()
	}
	var specs []layerSpec
	in := a.Input
	layers := a.Layers()
	for l, ly := range layers {
		s := layerSpec{kind: kindLinear, in: in, outs: ly.Out, bias: ly.Bias, name: strconv.Itoa(a.module(l)), init: a.rule(l)}
		if l < len(layers)-1 {
			s.act = a.Activation
		}
		specs = append(specs, s)
		in = Vector(ly.Out)
		if a.BatchNorm && l < len(layers)-1 {
			specs = append(specs, layerSpec{kind: kindBatchNorm, in: in, name: strconv.Itoa(3*l + 3)})
		}
	}
	return specs
}

// cnnSpecs lists the layers of a cnn net: per width a Conv2d with the
// activation (then BatchNorm2d for cnn-bn) and a 2×2 pooling, then the
// Linear layer after the Flatten.
func (a Arch) cnnSpecs() []layerSpec {
	var specs []layerSpec
	in := a.Input
	pool := kindMaxPool
	if a.Pool == poolAvg {
		pool = kindAvgPool
	}
	per := 3 // modules per block: conv, act, pool (and BatchNorm)
	if a.BatchNorm {
		per = 4
	}
	for l, ch := range a.Hidden {
		m := per * l
		conv := Shape{C: ch, H: in.H, W: in.W}
		specs = append(specs, layerSpec{kind: kindConv, in: in, outs: ch, k: cnnKernel, pad: cnnKernel / 2, bias: true, act: a.Activation, name: strconv.Itoa(m), init: a.rule(l)})
		if a.BatchNorm {
			specs = append(specs, layerSpec{kind: kindBatchNorm, in: conv, name: strconv.Itoa(m + 2)})
		}
		specs = append(specs, layerSpec{kind: pool, in: conv, k: cnnPool, name: strconv.Itoa(m + per - 1)})
		in = Shape{C: ch, H: in.H / cnnPool, W: in.W / cnnPool}
	}
	return append(specs, layerSpec{kind: kindLinear, in: in, outs: a.Out, bias: true, name: strconv.Itoa(per*len(a.Hidden) + 1), init: a.rule(len(a.Hidden))})
}

// vggSpecs lists VGG-11's layers: features (3×3 convs with bias, each with
// ReLU, or BatchNorm2d then ReLU for vgg11-bn, and 2×2 max poolings), then
// the classifier Linear(512,512), ReLU, Linear(512,512), ReLU, Linear(512,out).
func (a Arch) vggSpecs() []layerSpec {
	var specs []layerSpec
	in := a.Input
	m := 0
	conv := initRule{kind: initKaimingFanOut}
	for _, ch := range a.Hidden {
		if ch == 0 {
			specs = append(specs, layerSpec{kind: kindMaxPool, in: in, k: 2, name: "features." + strconv.Itoa(m)})
			in = Shape{C: in.C, H: in.H / 2, W: in.W / 2}
			m++
			continue
		}
		s := layerSpec{kind: kindConv, in: in, outs: ch, k: 3, pad: 1, bias: true, act: actReLU, name: "features." + strconv.Itoa(m), init: conv}
		in = Shape{C: ch, H: in.H, W: in.W}
		if a.BatchNorm {
			s.act = ""
			specs = append(specs, s, layerSpec{kind: kindBatchNorm, in: in, act: actReLU, name: "features." + strconv.Itoa(m+1)})
			m += 3
			continue
		}
		specs = append(specs, s)
		m += 2
	}
	dflt := initRule{kind: initUniform}
	return append(specs,
		layerSpec{kind: kindLinear, in: in, outs: 512, bias: true, act: actReLU, name: "classifier.0", init: dflt},
		layerSpec{kind: kindLinear, in: Vector(512), outs: 512, bias: true, act: actReLU, name: "classifier.2", init: dflt},
		layerSpec{kind: kindLinear, in: Vector(512), outs: a.Out, bias: true, name: "classifier.4", init: dflt})
}

// resnetSpecs lists the CIFAR ResNet's layers: conv1 (3×3, no bias), bn1
// with ReLU, a.Blocks BasicBlocks per stage of a.Hidden channels (the first
// block of each later stage with stride 2 and the shortcut AvgPool2d(1, 2),
// BatchNorm2d, zero channels), global average pooling and fc.
func (a Arch) resnetSpecs() []layerSpec {
	kaiming := initRule{kind: initKaimingFanOut}
	conv := func(in Shape, outs, stride int, name string) (layerSpec, Shape) {
		out := Shape{C: outs, H: (in.H+2-3)/stride + 1, W: (in.W+2-3)/stride + 1}
		return layerSpec{kind: kindConv, in: in, outs: outs, k: 3, stride: stride, pad: 1, name: name, init: kaiming}, out
	}
	bn := func(in Shape, act, name string) layerSpec {
		return layerSpec{kind: kindBatchNorm, in: in, act: act, name: name}
	}
	c1, in := conv(a.Input, a.Hidden[0], 1, "conv1")
	specs := []layerSpec{c1, bn(in, actReLU, "bn1")}
	for st, ch := range a.Hidden {
		for b := range a.Blocks {
			stride := 1
			if st > 0 && b == 0 {
				stride = 2
			}
			blockIn := in
			cv1, mid := conv(in, ch, stride, "conv1")
			cv2, out := conv(mid, ch, 1, "conv2")
			bn2 := bn(out, "", "bn2")
			bn2.zeroGamma = true
			block := layerSpec{kind: kindResidual, in: blockIn, act: actReLU, name: fmt.Sprintf("layer%d.%d", st+1, b),
				body: []layerSpec{cv1, bn(mid, actReLU, "bn1"), cv2, bn2}}
			if stride != 1 {
				sub := Shape{C: blockIn.C, H: windows(blockIn.H, 1, stride), W: windows(blockIn.W, 1, stride)}
				block.shortcut = []layerSpec{
					{kind: kindAvgPool, in: blockIn, k: 1, stride: stride, name: "downsample.0"},
					bn(sub, "", "downsample.1"),
				}
			}
			specs = append(specs, block)
			in = out
		}
	}
	return append(specs,
		layerSpec{kind: kindAvgPool, in: in, k: in.H, kw: in.W, name: "avgpool"},
		layerSpec{kind: kindLinear, in: Vector(in.C), outs: a.Out, bias: true, name: "fc", init: initRule{kind: initUniform}})
}
