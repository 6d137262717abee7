package report

import (
	"math"
	"path/filepath"
	"testing"
)

func TestPlotSweepDrawsEveryLineAndItsBand(t *testing.T) {
	series := []SweepSeries{
		{Label: "widths=16", X: []float64{0.01, 0.02, 0.04, 0.08}, Y: [][]float64{{1.9, 2.0}, {1.95, 2.1}, {2.0, 2.05}, {math.NaN(), 2.2}}},
		{Label: "widths=32", X: []float64{0.01, 0.02, 0.04, 0.08}, Y: [][]float64{{1.5}, {1.6}, {1.7}, {1.8}}},
	}
	prefix := filepath.Join(t.TempDir(), "sweep")
	paths, err := PlotSweep(series, "lr", "edge_eta_lambda1_mean", prefix, []string{"png", "svg"})
	if err != nil || len(paths) != 2 {
		t.Fatalf("%v %v", paths, err)
	}
	checkPNG(t, paths[0], runColor(0), runColor(1))
	checkSVG(t, paths[1], "widths=16", "widths=32", "edge_eta_lambda1_mean", "lr")
	if _, err := PlotSweep([]SweepSeries{{Label: "x", X: []float64{1}, Y: [][]float64{{math.NaN()}}}}, "lr", "y", prefix, nil); err == nil {
		t.Error("a figure with nothing to draw was written")
	}
}
