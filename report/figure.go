package report

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/edge-of-stability/eos/internal/atomicfile"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure geometry: every figure is a column of panels on a 6 × 7 inch page,
// rendered to PNG at pngDPI (900 × 1050 pixels).
const (
	figWidth  = 6 * vg.Inch
	figHeight = 7 * vg.Inch
	pngDPI    = 150
)

// Font sizes, in points, chosen to stay legible at paper size.
const (
	titleSize = 12
	labelSize = 11
	tickSize  = 10
)

// panel is one plot of a figure, counting its legend entries.
type panel struct {
	*plot.Plot
	entries int
}

// legend adds a legend entry.
func (p *panel) legend(label string, thumb plot.Thumbnailer) {
	p.Legend.Add(label, thumb)
	p.entries++
}

// newPanel returns an empty plot with the figure's fonts and axis labels.
func newPanel(xLabel, yLabel string) *panel {
	p := plot.New()
	p.Title.TextStyle.Font.Size = titleSize
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = labelSize
		a.Tick.Label.Font.Size = tickSize
	}
	p.Legend.TextStyle.Font.Size = tickSize
	p.Legend.Top = true
	p.X.Tick.Marker, p.Y.Tick.Marker = linearTicks{}, linearTicks{}
	p.Add(plotter.NewGrid())
	return &panel{Plot: p}
}

// runColor is the colour of the i-th run in a figure.
func runColor(i int) color.Color { return plotutil.Color(i) }

// dotted returns a dotted line style of colour c.
func dotted(c color.Color) draw.LineStyle {
	return draw.LineStyle{Color: c, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(1.5), vg.Points(3)}}
}

// addLine adds pts to p as a solid line of colour c (a single point is drawn
// as a dot so it stays visible) and returns the plotter for the legend; it
// returns nil when pts is empty.
func addLine(p *panel, pts plotter.XYs, c color.Color, width vg.Length) plot.Thumbnailer {
	switch len(pts) {
	case 0:
		return nil
	case 1:
		s, _ := plotter.NewScatter(pts) // pts are finite by construction
		s.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
		p.Add(s)
		return s
	}
	l, _ := plotter.NewLine(pts)
	l.LineStyle = draw.LineStyle{Color: c, Width: width}
	p.Add(l)
	return l
}

// addStepLine adds a dotted horizontal line in colour c that holds each
// pts[i].Y until pts[i+1].X, ending at xEnd.
func addStepLine(p *panel, pts plotter.XYs, xEnd float64, c color.Color) plot.Thumbnailer {
	if len(pts) == 0 {
		return nil
	}
	pts = append(pts, plotter.XY{X: math.Max(xEnd, pts[len(pts)-1].X), Y: pts[len(pts)-1].Y})
	l, _ := plotter.NewLine(pts)
	l.StepStyle = plotter.PostStep
	l.LineStyle = dotted(c)
	p.Add(l)
	return l
}

// useLogY switches p's y axis to a log scale when everything plotted so far
// is positive, widening a degenerate range so the axis stays drawable.
func useLogY(p *panel) {
	lo, hi := p.Y.Min, p.Y.Max
	if !(lo > 0) || math.IsInf(hi, 0) {
		return
	}
	if lo == hi {
		lo, hi = lo/2, hi*2
	}
	p.Y.Min, p.Y.Max = lo, hi
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = logTicks{}
}

// logTicks marks a log axis at powers of ten, adding labelled 2× and 5×
// marks, then every integer multiple, when the range spans too few powers of
// ten to show three labels.
type logTicks struct{}

// Ticks implements plot.Ticker.
func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	for _, labelled := range [][]int{{1}, {1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}} {
		var ticks []plot.Tick
		n := 0
		for e := math.Floor(math.Log10(lo)); math.Pow(10, e) <= hi; e++ {
			for m := 1; m <= 9; m++ {
				v := float64(m) * math.Pow(10, e)
				if v < lo*(1-1e-12) || v > hi*(1+1e-12) {
					continue
				}
				t := plot.Tick{Value: v}
				if slices.Contains(labelled, m) {
					t.Label = strconv.FormatFloat(v, 'g', 3, 64)
					n++
				}
				ticks = append(ticks, t)
			}
		}
		if n >= 3 {
			return ticks
		}
	}
	return plot.DefaultTicks{}.Ticks(lo, hi)
}

// linearTicks marks a linear axis with labelled ticks at multiples of 1, 2
// or 5 × 10^k — the finest such step giving at most six intervals — and
// unlabelled minor ticks between them.
type linearTicks struct{}

// Ticks implements plot.Ticker.
func (linearTicks) Ticks(lo, hi float64) []plot.Tick {
	const maxIntervals = 6
	raw := (hi - lo) / maxIntervals
	if !(raw > 0) || math.IsInf(raw, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step, minors := 10*mag, 5
	for _, m := range []struct {
		mult   float64
		minors int
	}{{1, 5}, {2, 4}, {5, 5}} {
		if m.mult*mag >= raw*(1-1e-9) {
			step, minors = m.mult*mag, m.minors
			break
		}
	}
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	var ticks []plot.Tick
	minor := step / float64(minors)
	for i := math.Ceil(lo/minor - 1e-9); i*minor <= hi*(1+1e-12)+1e-300; i++ {
		v := i*minor + 0 // + 0 turns -0 into 0
		t := plot.Tick{Value: v}
		if int(math.Round(i))%minors == 0 {
			t.Label = strconv.FormatFloat(v, 'f', decimals, 64)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// legendEntryHeight approximates the height one legend entry takes.
const legendEntryHeight = 1.3 * tickSize // points

// panelDataHeight approximates the height of a panel's data area in a
// three-panel figure, once axes and labels are drawn.
const panelDataHeight = float64(figHeight)/3 - 55 // points

// makeLegendRoom raises the top of p's y range so that the legend, drawn at
// the top right, sits above the data rather than over it. It must be called
// after all data are added (and after useLogY).
func makeLegendRoom(p *panel) {
	lo, hi := p.Y.Min, p.Y.Max
	if p.entries == 0 || !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return
	}
	frac := math.Min(0.6, (float64(p.entries)*legendEntryHeight+6)/panelDataHeight)
	if _, isLog := p.Y.Scale.(plot.LogScale); isLog {
		p.Y.Max = math.Exp(math.Log(lo) + (math.Log(hi)-math.Log(lo))/(1-frac))
		return
	}
	p.Y.Max = lo + (hi-lo)/(1-frac)
}

// ErrFormat is wrapped by the error for a plot format other than png and svg.
var ErrFormat = errors.New("unsupported plot format")

// ParseFormats reads a comma-separated list of plot formats ("png,svg"),
// each png or svg (a leading dot and case are ignored); another is an error
// wrapping ErrFormat.
func ParseFormats(list string) ([]string, error) {
	var formats []string
	for _, f := range strings.Split(list, ",") {
		f = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(f), "."))
		if f != "png" && f != "svg" {
			return nil, fmt.Errorf("%w %q (want png or svg)", ErrFormat, f)
		}
		formats = append(formats, f)
	}
	return formats, nil
}

// saveColumn draws panels stacked top to bottom on one figure, each with room
// made for its legend, and writes it to prefix.<format> for each format
// ("png" or "svg"; none means "png"), returning the paths written.
func saveColumn(panels []*panel, prefix string, formats []string) ([]string, error) {
	grid := make([][]*plot.Plot, len(panels))
	for i, p := range panels {
		makeLegendRoom(p)
		grid[i] = []*plot.Plot{p.Plot}
	}
	tiles := draw.Tiles{Rows: len(panels), Cols: 1, PadY: vg.Points(10), PadTop: vg.Points(4),
		PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(10)}
	return writeFigure(prefix, formats, figWidth, figHeight, func(dc draw.Canvas) {
		for i, cs := range plot.Align(grid, tiles, dc) {
			panels[i].Draw(cs[0])
		}
	})
}

// writeFigure renders a figure of size width × height with render and
// writes it to prefix.<format> for each format ("png" or "svg"; none means
// "png"), returning the paths written.
func writeFigure(prefix string, formats []string, width, height vg.Length, render func(draw.Canvas)) ([]string, error) {
	if len(formats) == 0 {
		formats = []string{"png"}
	}
	formats, err := ParseFormats(strings.Join(formats, ","))
	if err != nil {
		return nil, fmt.Errorf("plotting %s: %w", prefix, err)
	}
	var paths []string
	for _, f := range formats {
		var c vg.CanvasWriterTo = vgsvg.New(width, height)
		if f == "png" {
			c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(pngDPI))}
		}
		render(draw.New(c))
		path := prefix + "." + f
		if err := atomicfile.Write(path, func(w io.Writer) error { _, err := c.WriteTo(w); return err }); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}
