package report

import (
	"image/png"
	"os"
	"strings"
	"testing"
)

// TestPlotCellsDrawsOnePanelPerCell draws five cells four to a row and
// checks the SVG for one λ1 axis and one title per cell, and the PNG for a
// 4 × 2 grid of 3 × 2.4 inch panels below the heading.
func TestPlotCellsDrawsOnePanelPerCell(t *testing.T) {
	eigs := "step,lambda1,lambda2,eta_lambda1,hvps,seconds\n0,5,3,0.05,40,0.2\n10,150,4,1.5,40,0.2\n20,210,4,2.1,40,0.2\n"
	var cells []Cell
	for _, name := range []string{"cellA", "cellB", "cellC", "cellD", "cellE"} {
		cells = append(cells, Cell{Title: name, Runs: []*Run{mustLoad(t, writeRun(t, gdConfig(0.01), gdMetrics(0.01, 20), eigs, nil))}})
	}
	prefix := t.TempDir() + "/cells"
	paths, err := PlotCells("a heading", cells, 4, prefix, []string{"png", "svg"})
	if err != nil || len(paths) != 2 {
		t.Fatalf("PlotCells: %v, %v", paths, err)
	}
	svg, err := os.ReadFile(prefix + ".svg")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(svg), ">sharpness λ1<"); n != len(cells) {
		t.Errorf("%d λ1 axes for %d cells", n, len(cells))
	}
	for _, c := range cells {
		if strings.Count(string(svg), ">"+c.Title+"<") != 1 {
			t.Errorf("cell %s is not titled once", c.Title)
		}
	}
	f, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if img.Width != 4*3*pngDPI || img.Height <= 2*2.4*pngDPI || img.Height > 2*2.4*pngDPI+60 {
		t.Errorf("PNG %d × %d, want 4 panels of 3 in across and 2 rows of 2.4 in under a heading", img.Width, img.Height)
	}
	noEigs := Cell{Title: "bare", Runs: []*Run{mustLoad(t, writeRun(t, gdConfig(0.01), gdMetrics(0.01, 20), "", nil))}}
	if _, err := PlotCells("", append(cells, noEigs), 4, prefix, nil); err == nil || !strings.Contains(err.Error(), "bare") {
		t.Errorf("a cell without sharpness: err %v", err)
	}
}
