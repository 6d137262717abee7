package report

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/edge-of-stability/eos/internal/atomicfile"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// comparisonHeader is the header line WriteCSV writes.
const comparisonHeader = "time,step,distance,gd_train_loss,flow_train_loss,gd_lambda1,flow_lambda1,gd_threshold"

// WriteCSV writes the comparison's rows to path, atomically, under the header
//
//	time,step,distance,gd_train_loss,flow_train_loss,gd_lambda1,flow_lambda1,gd_threshold
//
// one line per matched time (fields as in ComparisonRow), with empty cells
// for values not available (NaN).
func (c *Comparison) WriteCSV(path string) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		if _, err := io.WriteString(w, comparisonHeader+"\n"); err != nil {
			return err
		}
		for _, r := range c.Rows {
			cells := []string{cell(r.Time), strconv.Itoa(r.Step), cell(r.Distance), cell(r.GDLoss),
				cell(r.FlowLoss), cell(r.GDSharpness), cell(r.FlowSharpness), cell(r.GDThreshold)}
			if _, err := io.WriteString(w, strings.Join(cells, ",")+"\n"); err != nil {
				return err
			}
		}
		return nil
	})
}

// cell formats v for a CSV cell: empty for NaN, shortest exact form otherwise.
func cell(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// Plot draws the comparison against time as one 6 × 7 inch figure of three
// panels: the distance between the projected GD and flow iterates, the train
// losses of both (log scale), and the sharpness λ1 of both with GD's
// stability threshold dotted. Every panel marks FirstEdgeTime, when GD's λ1
// first exceeds its threshold, with a vertical dashed line. It writes
// <prefix>.png (900 × 1050 pixels) and/or <prefix>.svg as formats lists
// ("png" when empty) and returns the paths written. A Heading is written above
// the title.
func (c *Comparison) Plot(prefix string, formats []string) ([]string, error) {
	const xLabel = timeLabel
	gdColor, flowColor := runColor(0), runColor(1)
	gdLabel, flowLabel := c.GD.Label(), c.Flow.Label()
	width := vg.Points(1.5)

	dist := newPanel(xLabel, "‖θ_GD − θ_flow‖ (projected)")
	title := "GD vs gradient flow"
	if s := c.GD.setting(); s != "" {
		title += ": " + s + " loss"
	}
	dist.Title.Text = joinTitle(c.Heading, title)
	if l := addLine(dist, c.points(func(r ComparisonRow) float64 { return r.Distance }, isFinite), gdColor, width); l != nil {
		dist.legend(gdLabel+" vs flow", l)
	} else {
		dist.Y.Label.Text = "distance (no iterates recorded)"
	}

	loss := newPanel(xLabel, "train loss")
	if l := addLine(loss, c.points(func(r ComparisonRow) float64 { return r.GDLoss }, isPositive), gdColor, width); l != nil {
		loss.legend(gdLabel, l)
	}
	if l := addLine(loss, c.points(func(r ComparisonRow) float64 { return r.FlowLoss }, isPositive), flowColor, width); l != nil {
		loss.legend(flowLabel, l)
	}
	useLogY(loss)

	sharp := newPanel(xLabel, "sharpness λ1")
	if l := addLine(sharp, c.points(func(r ComparisonRow) float64 { return r.GDSharpness }, isFinite), gdColor, width); l != nil {
		sharp.legend(gdLabel, l)
	}
	if l := addLine(sharp, c.points(func(r ComparisonRow) float64 { return r.FlowSharpness }, isFinite), flowColor, width); l != nil {
		sharp.legend(flowLabel, l)
	}
	thresholds := c.points(func(r ComparisonRow) float64 { return r.GDThreshold }, isPositive)
	if len(thresholds) > 0 {
		changes := plotter.XYs{thresholds[0]}
		for _, p := range thresholds[1:] {
			if p.Y != changes[len(changes)-1].Y {
				changes = append(changes, p)
			}
		}
		sharp.legend("GD stability threshold", addStepLine(sharp, changes, thresholds[len(thresholds)-1].X, gdColor))
	}

	if !math.IsNaN(c.FirstEdgeTime) {
		edge := vLine{x: c.FirstEdgeTime, style: draw.LineStyle{Color: color.Gray{Y: 90}, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}}
		for _, p := range []*panel{dist, loss, sharp} {
			p.Add(edge)
		}
		dist.legend(fmt.Sprintf("GD λ1 first > threshold (step %d)", c.FirstEdgeStep), edge)
	}
	return saveColumn([]*panel{dist, loss, sharp}, prefix, formats)
}

// points returns (Time, value) for the rows whose value passes keep.
func (c *Comparison) points(value func(ComparisonRow) float64, keep func(float64) bool) plotter.XYs {
	var pts plotter.XYs
	for _, r := range c.Rows {
		if v := value(r); keep(v) {
			pts = append(pts, plotter.XY{X: r.Time, Y: v})
		}
	}
	return pts
}

// vLine is a vertical line across a plot's data area at x = x.
type vLine struct {
	x     float64
	style draw.LineStyle
}

// Plot implements plot.Plotter.
func (v vLine) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x := trX(v.x)
	c.StrokeLine2(v.style, x, c.Min.Y, x, c.Max.Y)
}

// DataRange implements plot.DataRanger: it widens the x range to include
// the line and leaves the y range alone.
func (v vLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	return v.x, v.x, math.Inf(1), math.Inf(-1)
}

// Thumbnail implements plot.Thumbnailer.
func (v vLine) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	c.StrokeLine2(v.style, x, c.Min.Y, x, c.Max.Y)
}
