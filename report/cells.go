package report

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Cell is one panel of PlotCells: the runs of one cell of a grid of settings.
type Cell struct {
	// Title names the cell ("fc-tanh, mse"); Runs are its runs.
	Title string
	Runs  []*Run
}

// Cell panels are cellWidth × cellHeight, their heading's lines
// headingLine apart.
const (
	cellWidth   = 3 * vg.Inch
	cellHeight  = 2.4 * vg.Inch
	headingLine = 1.35 * titleSize // points
)

// PlotCells draws one panel per cell, cols to a row, in one figure: each
// panel shows the sharpness λ1 of the cell's runs against step (time for
// flow runs), each run in its colour with its stability threshold as a
// dotted line of that colour, the cell's title above it and heading,
// wrapped, above all panels. It writes <prefix>.png and/or <prefix>.svg
// (formats as for Plot) and returns the paths written. A cell whose runs
// have no sharpness measurement is an error.
func PlotCells(heading string, cells []Cell, cols int, prefix string, formats []string) ([]string, error) {
	if len(cells) == 0 || cols < 1 {
		return nil, fmt.Errorf("plotting %s: %d cells in %d columns", prefix, len(cells), cols)
	}
	cols = min(cols, len(cells))
	rows := (len(cells) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, cols)
	}
	for i, c := range cells {
		p, err := cellPanel(c)
		if err != nil {
			return nil, fmt.Errorf("plotting %s: %w", prefix, err)
		}
		grid[i/cols][i%cols] = p.Plot
	}
	lines := strings.Split(joinTitle(heading, ""), "\n")
	if heading == "" {
		lines = nil
	}
	top := vg.Points(headingLine*float64(len(lines)) + 8)
	width, height := vg.Length(cols)*cellWidth, vg.Length(rows)*cellHeight+top
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(12), PadY: vg.Points(10), PadTop: vg.Points(4),
		PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(10)}
	sty := plot.New().Title.TextStyle
	sty.Font.Size = titleSize
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
	return writeFigure(prefix, formats, width, height, func(dc draw.Canvas) {
		for i, l := range lines {
			dc.FillText(sty, vg.Point{X: width / 2, Y: height - vg.Points(4+headingLine*float64(i))}, l)
		}
		body := draw.Crop(dc, 0, 0, 0, -top)
		for j, row := range plot.Align(grid, tiles, body) {
			for i, cs := range row {
				if p := grid[j][i]; p != nil {
					p.Draw(cs)
				}
			}
		}
	})
}

// cellPanel is the λ1 panel of one cell.
func cellPanel(c Cell) (*panel, error) {
	byTime := false
	for _, r := range c.Runs {
		byTime = byTime || r.Kind == "flow"
	}
	xLabel := "step"
	if byTime {
		xLabel = "time t"
	}
	p := newPanel(xLabel, "sharpness λ1")
	p.Title.Text = c.Title
	p.Title.TextStyle.Font.Size = labelSize
	drawn := 0
	for i, r := range c.Runs {
		col := runColor(i)
		if addLine(p, r.series(r.Eigs, "lambda1", byTime, isFinite), col, vg.Points(1.2)) != nil {
			drawn++
		}
		addStepLine(p, r.thresholds(byTime), r.lastX(byTime), col)
	}
	if drawn == 0 {
		return nil, fmt.Errorf("cell %s has no sharpness measurement", c.Title)
	}
	if len(c.Runs) == 1 {
		p.legend("λ1", &plotter.Line{LineStyle: draw.LineStyle{Color: runColor(0), Width: vg.Points(1.2)}})
	}
	p.legend(c.Runs[0].thresholdFormula(), &plotter.Line{LineStyle: dotted(color.Gray{Y: 80})})
	if p.Y.Min > 0 && !math.IsInf(p.Y.Max, 0) {
		p.Y.Min = 0 // λ1 from 0, so that cells compare by eye
	}
	makeLegendRoom(p)
	return p, nil
}
