package net

import (
	"slices"
	"testing"
)

// TestParseArchNames checks that every listed name parses to its reference shape.
func TestParseArchNames(t *testing.T) {
	for _, name := range ArchNames() {
		in, out := Shape{C: 3, H: 32, W: 32}, 10
		if name == "deeplinear" {
			in, out = Vector(50), 50
		}
		if _, err := ParseArch(name, nil, in, out, InitStandard); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	cases := []struct {
		name   string
		hidden []int
		act    string
		want   []int
		bias   bool
	}{
		{"fc-relu", nil, "relu", []int{200, 200}, true},
		{"fc-elu", []int{30, 20, 10}, "elu", []int{30, 20, 10}, true},
		{"fc-leaky_relu-nobias", nil, "leaky_relu", []int{200, 200}, false},
		{"fc-tanh-depth1", nil, "tanh", []int{200}, true},
		{"fc-tanh-depth4", nil, "tanh", []int{200, 200, 200, 200}, true},
	}
	for _, c := range cases {
		a := mustArch(t, c.name, c.hidden, 3072, 10, InitXavier)
		if a.Activation != c.act || !slices.Equal(a.Hidden, c.want) || a.Bias != c.bias || a.Init != InitXavier {
			t.Errorf("%s: got %+v", c.name, a)
		}
	}
	d := mustArch(t, "deeplinear", nil, 50, 50, InitStandard)
	if ls := d.Layers(); len(ls) != 20 || ls[0] != (Layer{50, 50, false}) || ls[19] != (Layer{50, 50, false}) {
		t.Errorf("deeplinear layers %v", ls)
	}
	r := mustArch(t, "regression", nil, 1, 1, InitStandard)
	if ls := r.Layers(); !slices.Equal(ls, []Layer{{1, 100, true}, {100, 1, false}}) || r.Activation != "tanh" {
		t.Errorf("regression: %+v, layers %v", r, ls)
	}
}

// TestParseArchErrors checks that bad names and combinations are refused.
func TestParseArchErrors(t *testing.T) {
	cases := []struct {
		name    string
		hidden  []int
		in, out int
		init    string
	}{
		{"fc-swish", nil, 10, 2, InitStandard},
		{"resnet32", nil, 10, 2, InitStandard},
		{"fc-tanh", nil, 10, 2, "kaiming"},
		{"fc-tanh-depth5", nil, 10, 2, InitStandard},
		{"fc-tanh-depth2", []int{5}, 10, 2, InitStandard},
		{"fc-tanh", []int{}, 10, 2, InitStandard},
		{"fc-tanh", []int{5, 0}, 10, 2, InitStandard},
		{"deeplinear", nil, 10, 2, InitStandard},
		{"deeplinear", []int{50}, 50, 50, InitStandard},
		{"regression", []int{10}, 1, 1, InitStandard},
		{"fc-tanh", nil, 0, 2, InitStandard},
	}
	for _, c := range cases {
		if a, err := ParseArch(c.name, c.hidden, Vector(c.in), c.out, c.init); err == nil {
			t.Errorf("%s %v in=%d out=%d init=%s: no error, got %+v", c.name, c.hidden, c.in, c.out, c.init, a)
		}
	}
}
