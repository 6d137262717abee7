package eos

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/edge-of-stability/eos/net"
	"github.com/edge-of-stability/eos/tensorfile"
)

// TestBatchNormWeightsCarryBuffers checks that the weights of a BatchNorm
// net hold, beside its parameters, every BatchNorm buffer of the PyTorch
// state_dict with a fresh module's values (running_mean 0, running_var 1,
// num_batches_tracked an int64 scalar 0), and that --init-from reads the
// file back with or without them.
func TestBatchNormWeightsCarryBuffers(t *testing.T) {
	a, err := net.ParseArch("resnet32", nil, net.Shape{C: 3, H: 8, W: 8}, 10, net.InitStandard)
	if err != nil {
		t.Fatal(err)
	}
	m := net.NewModel[float32](a)
	m.Initialize(3)
	path := filepath.Join(t.TempDir(), "w.safetensors")
	if err := saveWeights(path, m, m.Params, nil); err != nil {
		t.Fatal(err)
	}
	ts, _, err := tensorfile.ReadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]tensorfile.Tensor{}
	for _, x := range ts {
		byName[x.Name] = x
	}
	// ResNet-32 has 31 BatchNorms: bn1, two per block, one per downsampling shortcut.
	if len(ts) != len(m.Tensors())+3*(1+2*15+2) {
		t.Fatalf("%d tensors for %d parameters tensors", len(ts), len(m.Tensors()))
	}
	for _, name := range []string{"bn1", "layer1.0.bn2", "layer2.0.downsample.1", "layer3.4.bn1"} {
		mean, vr, nb := byName[name+".running_mean"], byName[name+".running_var"], byName[name+".num_batches_tracked"]
		if mean.DType != "F32" || slices.ContainsFunc(mean.Data, func(v float64) bool { return v != 0 }) ||
			slices.ContainsFunc(vr.Data, func(v float64) bool { return v != 1 }) || len(vr.Data) != len(mean.Data) || len(vr.Data) == 0 ||
			nb.DType != "I64" || len(nb.Shape) != 0 || len(nb.Data) != 1 || nb.Data[0] != 0 {
			t.Errorf("%s buffers: mean %v %v, var %v, num_batches_tracked %s %v %v", name, mean.DType, mean.Data, vr.Data, nb.DType, nb.Shape, nb.Data)
		}
	}
	back := make([]float32, m.NumParams())
	if err := loadWeights(path, m, back); err != nil || !slices.Equal(back, m.Params) {
		t.Fatalf("reading the weights back: %v (equal %v)", err, slices.Equal(back, m.Params))
	}
	var params []tensorfile.Tensor
	for _, x := range ts {
		if !slices.ContainsFunc(m.Buffers(), func(b net.Buffer) bool { return b.Name == x.Name }) {
			params = append(params, x)
		}
	}
	bare := filepath.Join(t.TempDir(), "bare.safetensors")
	if err := tensorfile.WriteSafetensors(bare, params, nil); err != nil {
		t.Fatal(err)
	}
	if err := loadWeights(bare, m, back); err != nil || !slices.Equal(back, m.Params) {
		t.Fatalf("reading weights without buffers: %v", err)
	}
}
