package report

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestPlotKinds(t *testing.T) {
	gdA := mustLoad(t, writeRun(t, gdConfig(0.01), gdMetrics(0.01, 300), gdEigs(0.01, 300, 5), nil))
	gdB := mustLoad(t, writeRun(t, gdConfig(0.02), gdMetrics(0.02, 300), gdEigs(0.02, 300, 5), nil))
	momentum := gdConfig(0.01)
	momentum["opt"], momentum["beta"] = "polyak", 0.9
	gdM := mustLoad(t, writeRun(t, momentum, gdMetrics(0.01, 300), gdEigs(0.01, 300, 5), nil))
	flow := mustLoad(t, writeRun(t, flowConfig(0.05), flowMetrics(0.05, 60), flowEigs(0.05, 60, 5), nil))
	regression := gdConfig(0.01)
	regression["loss"], regression["dataset"] = "mse", "chebyshev"
	reg := mustLoad(t, writeRun(t, regression,
		"step,train_loss,train_acc,test_loss,test_acc,elapsed_s,lr,threshold\n0,1,,,,0,0.01,200\n1,0.8,,,,0,0.01,200\n2,0.7,,,,0,0.01,200\n",
		"step,lambda1,eta_lambda1,hvps,seconds\n0,3,0.03,10,0\n", nil))

	cases := []struct {
		name    string
		runs    []*Run
		strings []string // text the SVG must contain
	}{
		{"gd", []*Run{gdA, gdB, gdM}, []string{"cifar10-5k, fc-tanh, mse loss", "GD η=0.01", "GD η=0.02", "Polyak η=0.01 β=0.9", "step (iterations)", "sharpness λ1"}},
		{"one gd", []*Run{gdA}, []string{"stability threshold 2/η = 200 (dotted)", "sharpness λ1, λ2 (lighter)"}},
		{"one polyak", []*Run{gdM}, []string{"stability threshold (2+2β)/η = 200 (dotted)"}},
		{"flow", []*Run{flow}, []string{"gradient flow", "time t"}},
		{"mixed", []*Run{gdA, flow}, []string{"GD η=0.01", "gradient flow", "time t"}},
		{"regression", []*Run{reg}, []string{"chebyshev", "not recorded"}},
		{"different settings", []*Run{gdA, reg}, []string{"different settings", "GD η=0.01 · chebyshev, fc-tanh, mse"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			prefix := filepath.Join(t.TempDir(), c.name)
			paths, err := Plot(c.runs, prefix, []string{"png", "svg"})
			if err != nil {
				t.Fatal(err)
			}
			if len(paths) != 2 || paths[0] != prefix+".png" || paths[1] != prefix+".svg" {
				t.Fatalf("paths = %v", paths)
			}
			checkPNG(t, paths[0], runColor(0))
			if c.name == "one gd" {
				checkPNG(t, paths[0], lighter(runColor(0))) // λ2
			}
			if len(c.runs) > 1 {
				checkPNG(t, paths[0], runColor(len(c.runs)-1))
			}
			checkSVG(t, paths[1], c.strings...)
		})
	}
}

func TestPlotErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Plot(nil, filepath.Join(dir, "x"), nil); err == nil {
		t.Error("no runs: no error")
	}
	r := mustLoad(t, writeRun(t, gdConfig(0.01), gdMetrics(0.01, 5), "", nil))
	if _, err := Plot([]*Run{r}, filepath.Join(dir, "x"), []string{"pdf"}); err == nil || !strings.Contains(err.Error(), `"pdf"`) {
		t.Errorf("pdf: error = %v", err)
	}
	paths, err := Plot([]*Run{r}, filepath.Join(dir, "default"), nil)
	if err != nil || len(paths) != 1 || !strings.HasSuffix(paths[0], ".png") {
		t.Errorf("default format: %v, %v", paths, err)
	}
}
