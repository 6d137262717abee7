package preset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGridFigureHasAPanelPerCell analyses made-up runs of the grid preset's
// quick cells and checks that its figure is one file with one λ1 panel per
// arch × loss cell, each titled with its cell.
func TestGridFigureHasAPanelPerCell(t *testing.T) {
	p, err := Builtin("grid")
	if err != nil {
		t.Fatal(err)
	}
	specs, err := p.Specs(false, func(string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	var runs []RunResult
	for _, s := range specs {
		dir := t.TempDir()
		files := map[string]string{
			"config.json": `{"kind": "gd", "opt": "gd", "lr": 0.2, "eig_freq": 10}`,
			"metrics.csv": "step,train_loss,train_acc,test_loss,test_acc,elapsed_s,lr,threshold\n0,1,0.1,,,0,0.2,10\n10,0.5,0.5,,,1,0.2,10\n20,0.4,0.6,,,2,0.2,10\n",
			"eigs.csv":    "step,lambda1,eta_lambda1,hvps,seconds\n0,3,0.6,10,0.1\n10,9,1.8,10,0.1\n20,10.5,2.1,10,0.1\n",
		}
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		runs = append(runs, RunResult{Spec: s, Dir: dir})
	}
	out := t.TempDir()
	o, err := Analyze(p, false, out, runs)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Figures) != 1 || o.Figures[0] != "grid" || !o.Holds {
		t.Fatalf("figures %v, holds %v; want one figure, grid", o.Figures, o.Holds)
	}
	svg, err := os.ReadFile(filepath.Join(out, "grid.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(svg), ">sharpness λ1<"); n != len(specs) || len(specs) != 16 {
		t.Errorf("%d λ1 panels for %d cells, want 16", n, len(specs))
	}
	for _, s := range specs {
		arch, _ := s.Value("arch")
		loss, _ := s.Value("loss")
		if !strings.Contains(string(svg), ">"+arch+", "+loss+"<") {
			t.Errorf("no panel titled %q", arch+", "+loss)
		}
	}
}
