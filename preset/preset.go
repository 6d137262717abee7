// Package preset holds the experiments of the paper as data and carries
// out their analysis. A preset is a TOML file (the built-in ones are
// embedded from presets/*.toml): the claim it reproduces, one or more grids
// of eos run settings in the sweep grid format, the overrides that make its
// --quick and --full scales, a figure spec and a claim check. Specs expands
// a scale into sweep specs, which the sweep runner carries out like any
// grid; Analyze then reads the finished runs, draws the figures, writes
// summary.csv and decides whether the runs show the claim. The quadratic
// preset needs no network: its runs are computed in memory (see Quadratic).
package preset

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/edge-of-stability/eos/sweep"
)

//go:embed presets/*.toml
var builtin embed.FS

// ErrPreset is wrapped by every error a bad preset file causes.
var ErrPreset = errors.New("bad preset")

// presetError marks an error as caused by the preset file.
type presetError struct{ err error }

func (e presetError) Error() string   { return e.err.Error() }
func (e presetError) Unwrap() []error { return []error{e.err, ErrPreset} }

func presetErrorf(format string, a ...any) error { return presetError{fmt.Errorf(format, a...)} }

// Preset is one experiment: its runs, figure and claim check.
type Preset struct {
	// Name names the preset (fig1); Claim is the paper's claim it shows, the figures' subtitle.
	Name  string `toml:"name"`
	Claim string `toml:"claim"`
	// QuickTime is the measured wall time of --quick on 2 cores, as --list shows it.
	QuickTime string `toml:"quick_time"`
	// Grids are the preset's runs, each a sweep grid ([base] and [axes] tables).
	Grids []Grid `toml:"grid"`
	// Quick and Full adjust every grid for the two scales.
	Quick Scale `toml:"quick"`
	Full  Scale `toml:"full"`
	// Quadratic, when set, makes this a preset computed in memory instead of by eos runs.
	Quadratic *Quadratic `toml:"quadratic"`
	Figure    Figure     `toml:"figure"`
	Check     Check      `toml:"check"`

	// Source is the preset file as read.
	Source []byte `toml:"-"`
}

// Grid is one grid of eos runs, as in a sweep grid file. Quick and Full
// set settings of this grid alone at that scale, after the scale's own.
type Grid struct {
	Base  map[string]any `toml:"base"`
	Axes  map[string]any `toml:"axes"`
	Quick map[string]any `toml:"quick"`
	Full  map[string]any `toml:"full"`
}

// Scale adjusts the grids for --quick or --full: each key of Base sets that
// setting in every grid (replacing an axis of the same name), each key of
// Axes makes it an axis (replacing a base value). Note says what the scale
// changes, and is stated on the figures.
type Scale struct {
	Note string         `toml:"note"`
	Base map[string]any `toml:"base"`
	Axes map[string]any `toml:"axes"`
	// Quadratic overrides the quadratic's number of steps at this scale (0 = keep).
	Steps int `toml:"steps"`
}

// Figure says how to draw a preset's runs.
//
// Kind is one of:
//   - "runs": all runs overlaid in one figure of loss, accuracy and
//     sharpness with each run's stability threshold (eos plot); with Cells,
//     one figure of a panel per combination of the Cells settings, each
//     showing its runs' λ1 with their thresholds (report.PlotCells);
//   - "compare": each GD run against the gradient-flow run (eos compare);
//   - "groups": λ1 against time, one colour per value of the By setting and
//     one thin line per run (the seed spread);
//   - "quadratic": the distance to the minimum of each quadratic run;
//   - "oscillation": for each GD run, λ1 with its threshold and, over one
//     window of eigproj.csv (the first the check reads), the iterate's
//     displacement along the top eigenvector less its window mean, and the
//     length of the rest (see report.Window).
type Figure struct {
	Kind  string   `toml:"kind"`
	Cells []string `toml:"cells"`
	By    string   `toml:"by"`
}

// Check is the numerical test of a preset's claim, computed by Analyze.
//
// Kind is one of:
//   - "edge": for every GD run, the mean of λ1 / threshold over the last
//     Tail fraction of its sharpness measurements lies in [Lo, Hi];
//   - "peak": for every GD run, the highest λ1 / threshold of its
//     measurements lies in [Lo, Hi] (λ1 reaches the edge and does not go
//     far past it, whatever it does once the loss nears zero);
//   - "growth": for every run, λ1 at the end over λ1 at the Tail fraction
//     of the run from its end is at least Lo;
//   - "agree": for every GD run, the relative sharpness difference from the
//     flow stays below Hi up to the time Tail × the time GD's λ1 first
//     passes its threshold, and GD's λ1 then exceeds that threshold;
//   - "trend": the median final λ1 over the runs at each value of By
//     falls ("decreasing") or rises ("increasing", Direction) along Order
//     (default: the values sorted by their last number);
//   - "quadratic": each quadratic run converges iff its top curvature is
//     below the stability threshold of its step size;
//   - "oscillation": for every GD run, in each complete window of
//     eigproj.csv that starts within the last Tail fraction of the run, the
//     iterate's step along the top eigenvector reverses direction on at
//     least Lo of its steps (report.Reversals), while the rest's largest
//     step-to-step change is at most Hi of its range in the window.
type Check struct {
	Kind      string   `toml:"kind"`
	Tail      float64  `toml:"tail"`
	Lo        float64  `toml:"lo"`
	Hi        float64  `toml:"hi"`
	By        string   `toml:"by"`
	Direction string   `toml:"direction"`
	Order     []string `toml:"order"`
	// Statement says in words what the check tests, e.g. "mean η·λ1/2 over the last third in [0.9, 1.3]".
	Statement string `toml:"statement"`
}

// Names lists the built-in presets in the order of the paper's talk.
func Names() []string {
	return []string{"fig1", "ce", "gd-vs-flow", "oscillation", "momentum", "lr-drop", "inverse-sharpness",
		"quadratic", "deeplinear", "grid", "architectures", "sharpening-width", "sharpening-width-ntk",
		"sharpening-depth", "sharpening-data"}
}

// Builtin returns the built-in preset name.
func Builtin(name string) (*Preset, error) {
	src, err := builtin.ReadFile("presets/" + name + ".toml")
	if err != nil {
		return nil, fmt.Errorf("unknown preset %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	return Parse(src)
}

var (
	figureKinds = []string{"runs", "compare", "groups", "quadratic", "oscillation"}
	checkKinds  = []string{"edge", "peak", "growth", "agree", "trend", "quadratic", "oscillation"}
)

// Parse reads a preset file. Unknown keys, a missing name or claim, and
// unknown figure or check kinds are errors wrapping ErrPreset; the grids'
// settings are checked by Specs.
func Parse(src []byte) (*Preset, error) {
	p := &Preset{}
	md, err := toml.NewDecoder(bytes.NewReader(src)).Decode(p)
	if err != nil {
		return nil, presetErrorf("%v", err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, presetErrorf("unknown key %q", und[0].String())
	}
	switch {
	case p.Name == "":
		return nil, presetErrorf("the preset has no name")
	case p.Claim == "":
		return nil, presetErrorf("preset %s has no claim", p.Name)
	case !slices.Contains(figureKinds, p.Figure.Kind):
		return nil, presetErrorf("preset %s: [figure] kind %q: want one of %s", p.Name, p.Figure.Kind, strings.Join(figureKinds, ", "))
	case !slices.Contains(checkKinds, p.Check.Kind):
		return nil, presetErrorf("preset %s: [check] kind %q: want one of %s", p.Name, p.Check.Kind, strings.Join(checkKinds, ", "))
	case (p.Quadratic != nil) != (len(p.Grids) == 0):
		return nil, presetErrorf("preset %s: give either [[grid]] tables of eos runs or one [quadratic] table", p.Name)
	case (p.Quadratic != nil) != (p.Figure.Kind == "quadratic"):
		return nil, presetErrorf("preset %s: a [quadratic] preset needs figure and check kind \"quadratic\", and only it", p.Name)
	case (p.Quadratic != nil) != (p.Check.Kind == "quadratic"):
		return nil, presetErrorf("preset %s: a [quadratic] preset needs figure and check kind \"quadratic\", and only it", p.Name)
	}
	if p.Quadratic != nil {
		if err := p.Quadratic.validate(); err != nil {
			return nil, presetErrorf("preset %s: [quadratic]: %v", p.Name, err)
		}
	}
	p.Source = src
	return p, nil
}

// ScaleOf returns the preset's Quick (full false) or Full scale.
func (p *Preset) ScaleOf(full bool) Scale {
	if full {
		return p.Full
	}
	return p.Quick
}

// Specs expands the preset's grids at a scale into sweep specs (the scale's
// settings, then the grid's own for that scale, over the grid's), each grid
// checked by sweep.Parse with known (see there). Grids of one preset share
// a sweep directory: their run ids differ as their settings do, and a run
// two grids share is made once.
func (p *Preset) Specs(full bool, known func(string) bool) ([]sweep.Spec, error) {
	sc := p.ScaleOf(full)
	var specs []sweep.Spec
	seen := map[string]bool{}
	for i, g := range p.Grids {
		base, axes := maps.Clone(g.Base), maps.Clone(g.Axes)
		if base == nil {
			base = map[string]any{}
		}
		if axes == nil {
			axes = map[string]any{}
		}
		for k, v := range sc.Base {
			base[k] = v
			delete(axes, k)
		}
		for k, v := range sc.Axes {
			axes[k] = v
			delete(base, k)
		}
		own := g.Quick
		if full {
			own = g.Full
		}
		for k, v := range own {
			base[k] = v
			delete(axes, k)
		}
		var buf bytes.Buffer
		if err := toml.NewEncoder(&buf).Encode(map[string]any{"base": base, "axes": axes}); err != nil {
			return nil, presetErrorf("preset %s, grid %d: %v", p.Name, i+1, err)
		}
		grid, err := sweep.Parse(buf.Bytes(), known)
		if err != nil {
			return nil, presetErrorf("preset %s, grid %d: %v", p.Name, i+1, err)
		}
		for _, s := range grid.Specs {
			if !seen[s.ID] {
				seen[s.ID] = true
				s.Index = len(specs)
				specs = append(specs, s)
			}
		}
	}
	return specs, nil
}

// Varying returns the settings whose values differ between specs, sorted.
func Varying(specs []sweep.Spec) []string {
	values := map[string]map[string]bool{}
	for _, s := range specs {
		for _, st := range s.Settings {
			if values[st.Key] == nil {
				values[st.Key] = map[string]bool{}
			}
			values[st.Key][st.Value] = true
		}
	}
	var out []string
	for k, vs := range values {
		n := 0
		for _, s := range specs {
			if _, ok := s.Value(k); ok {
				n++
			}
		}
		if len(vs) > 1 || n < len(specs) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
