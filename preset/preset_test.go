package preset

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuiltinPresetsParse checks that every built-in preset parses and
// expands at both scales.
func TestBuiltinPresetsParse(t *testing.T) {
	for _, name := range Names() {
		p, err := Builtin(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.Name != name {
			t.Errorf("presets/%s.toml is named %q", name, p.Name)
		}
		for _, full := range []bool{false, true} {
			specs, err := p.Specs(full, func(string) bool { return true })
			if err != nil {
				t.Errorf("%s (full %v): %v", name, full, err)
			}
			if p.Quadratic == nil && len(specs) == 0 {
				t.Errorf("%s (full %v): no runs", name, full)
			}
		}
	}
}

// TestScaleOverrides checks that a scale's base replaces an axis and its axes replace a base value.
func TestScaleOverrides(t *testing.T) {
	p, err := Parse([]byte(`name = "x"
claim = "c"
[[grid]]
[grid.base]
max_steps = 10
[grid.axes]
lr = [0.1, 0.2]
[grid.full]
seed = 3
[full.axes]
max_steps = [20, 30, 40]
[full.base]
lr = 0.5
[figure]
kind = "runs"
[check]
kind = "edge"
`))
	if err != nil {
		t.Fatal(err)
	}
	quick, _ := p.Specs(false, func(string) bool { return true })
	full, _ := p.Specs(true, func(string) bool { return true })
	if len(quick) != 2 || len(full) != 3 {
		t.Fatalf("quick %d runs (want 2), full %d (want 3)", len(quick), len(full))
	}
	if v, _ := full[0].Value("lr"); v != "0.5" {
		t.Errorf("full lr = %q, want 0.5", v)
	}
	if v, _ := full[0].Value("seed"); v != "3" {
		t.Errorf("full seed = %q, want the grid's own full setting 3", v)
	}
	if _, ok := quick[0].Value("seed"); ok {
		t.Error("the grid's full setting applies to quick too")
	}
	if _, err := Parse([]byte("name = \"x\"\nclaim = \"c\"\nbogus = 1\n")); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("unknown key: err = %v", err)
	}
}

// TestQuadraticAgainstClosedForm checks GD's trajectory on the quadratic
// against ‖x_t‖ = sqrt(Σ (1 − η a_i)^(2t)), and the check's verdicts
// against the stability condition.
func TestQuadraticAgainstClosedForm(t *testing.T) {
	a := []float64{1, 0.3}
	for _, lr := range []float64{0.5, 1.9, 2.1} {
		d := descend(a, "gd", lr, 0, 50)
		for _, step := range []int{1, 10, 50} {
			want := math.Sqrt(math.Pow(1-lr*a[0], 2*float64(step)) + math.Pow(1-lr*a[1], 2*float64(step)))
			if math.Abs(d[step]-want) > 1e-9*want {
				t.Errorf("η=%v step %d: ‖x‖ = %v, want %v", lr, step, d[step], want)
			}
		}
	}
	p, err := Builtin("quadratic")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range p.Quadratic.Run(0) {
		if r.Converged != (r.Ratio < 1) {
			t.Errorf("%s β=%v ratio %v: converged %v", r.Opt, r.Beta, r.Ratio, r.Converged)
		}
	}
	dir := t.TempDir()
	o, err := Analyze(p, false, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Checked || !o.Holds || len(o.Figures) != 1 {
		t.Errorf("outcome %+v", o)
	}
	for _, f := range []string{"quadratic.png", "quadratic.svg", SummaryFile, OutcomeFile, SourceFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	back, err := ReadOutcome(dir)
	if err != nil || back.Holds != o.Holds || len(back.Details) != len(o.Details) {
		t.Errorf("ReadOutcome: %+v, %v", back, err)
	}
}
