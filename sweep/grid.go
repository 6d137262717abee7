// Package sweep describes grids of eos runs and carries them out on one
// machine or as the tasks of a cluster job.
//
// A grid file is TOML with two tables of eos run settings, named as eos run's
// options with underscores (max_steps for --max-steps): [base] gives one value
// per setting, [axes] a list of values per setting. Parse expands it, in a
// fixed order, into one Spec per combination of axis values, each with a run
// id hashed from its settings. The sweep directory keeps each run's files
// under runs/<id>/ with a DONE marker written last (see Do); Slurm job arrays
// and Kubernetes Indexed Jobs run it one index per task (SlurmScript,
// K8sManifest, TaskFromEnv), and Collect joins the finished runs into one CSV.
package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// ErrGrid is wrapped by every error a bad grid file causes.
var ErrGrid = errors.New("bad grid")

// gridError marks an error as caused by the grid file.
type gridError struct{ err error }

func (e gridError) Error() string   { return e.err.Error() }
func (e gridError) Unwrap() []error { return []error{e.err, ErrGrid} }

func gridErrorf(format string, a ...any) error { return gridError{fmt.Errorf(format, a...)} }

// reserved are eos run options a grid may not set: the sweep decides where
// each run's results go and never overwrites a finished run.
var reserved = map[string]string{
	"results":    "each run's results directory is chosen by the sweep (eos sweep run --out)",
	"overwrite":  "finished runs are skipped and half-done ones redone; delete a run's directory to redo it",
	"cpuprofile": "profiles are per process; use eos run for them",
	"memprofile": "profiles are per process; use eos run for them",
	"kernel":     "the kernel level is per process; set EOS_KERNEL for the tasks",
	"plot":       "plot finished runs with eos plot, or the whole sweep with eos plot --sweep",
}

// resourceKeys are settings that decide how a run is computed, not what it
// computes (results are identical for any value), so they are left out of
// run ids: the same run on another machine keeps its id.
var resourceKeys = []string{"data_dir", "threads"}

// Setting is one eos run option and its value, as the command line spells
// them: Key with underscores (max_steps), Value as text ("1500").
type Setting struct {
	Key, Value string
}

// Flag returns the setting as an eos run option: --max-steps=1500.
func (s Setting) Flag() string {
	return "--" + strings.ReplaceAll(s.Key, "_", "-") + "=" + s.Value
}

// Axis is one setting of [axes] with its values in file order.
type Axis struct {
	Key    string
	Values []string
}

// Spec is one run of a grid.
type Spec struct {
	// Index is the run's position in the expansion, from 0.
	Index int
	// ID is the run id: a hash of the settings that define the run.
	ID string
	// Settings are [base] and this run's axis values, sorted by key.
	Settings []Setting
}

// Args returns the spec's settings as eos run options.
func (s Spec) Args() []string {
	out := make([]string, len(s.Settings))
	for i, st := range s.Settings {
		out[i] = st.Flag()
	}
	return out
}

// Value returns the value of setting key and whether the spec sets it.
func (s Spec) Value(key string) (string, bool) {
	for _, st := range s.Settings {
		if st.Key == key {
			return st.Value, true
		}
	}
	return "", false
}

// Grid is a grid file expanded.
type Grid struct {
	// Base holds [base], sorted by key; Axes holds [axes] in file order.
	Base []Setting
	Axes []Axis
	// Specs are the runs: the first axis varies slowest, the last fastest.
	Specs []Spec
}

// Plan returns a hash of the ordered run ids: two grids with the same plan
// map every index to the same run.
func (g *Grid) Plan() string {
	h := sha256.New()
	for _, s := range g.Specs {
		fmt.Fprintln(h, s.ID)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// Parse reads a grid file. known reports whether a key (with underscores)
// names an eos run option; any other key, a setting given in both tables,
// an empty axis, or two runs with the same settings is an error naming it,
// wrapping ErrGrid.
func Parse(src []byte, known func(key string) bool) (*Grid, error) {
	var raw map[string]any
	md, err := toml.NewDecoder(bytes.NewReader(src)).Decode(&raw)
	if err != nil {
		return nil, gridErrorf("%v", err)
	}
	g := &Grid{}
	base, _ := raw["base"].(map[string]any)
	axes, _ := raw["axes"].(map[string]any)
	for _, key := range md.Keys() { // file order, so the first bad key is the one named
		if len(key) == 1 {
			if _, isTable := raw[key[0]].(map[string]any); !isTable || key[0] != "base" && key[0] != "axes" {
				return nil, gridErrorf("unknown top-level key %q: a grid has only the tables [base] and [axes]", key[0])
			}
			continue
		}
		if len(key) != 2 {
			continue // inside a value that scalar rejects
		}
		table, k := key[0], key[1]
		if err := checkKey(table, k, known); err != nil {
			return nil, err
		}
		if table == "base" {
			s, err := scalar(base[k])
			if err != nil {
				return nil, gridErrorf("[base] %s: %v", k, err)
			}
			g.Base = append(g.Base, Setting{k, s})
			continue
		}
		if _, ok := base[k]; ok {
			return nil, gridErrorf("%q is in both [base] and [axes]", k)
		}
		list, ok := axes[k].([]any)
		if !ok {
			return nil, gridErrorf("[axes] %s: want a list of values, like %s = [1, 2]", k, k)
		}
		if len(list) == 0 {
			return nil, gridErrorf("[axes] %s: the list is empty", k)
		}
		ax := Axis{Key: k}
		for i, v := range list {
			s, err := scalar(v)
			if err != nil {
				return nil, gridErrorf("[axes] %s, value %d: %v", k, i+1, err)
			}
			ax.Values = append(ax.Values, s)
		}
		g.Axes = append(g.Axes, ax)
	}
	slices.SortFunc(g.Base, func(a, b Setting) int { return strings.Compare(a.Key, b.Key) })
	if err := g.expand(); err != nil {
		return nil, err
	}
	return g, nil
}

// checkKey checks that key k of [table] is an eos run option a grid may set.
func checkKey(table, k string, known func(string) bool) error {
	if why, ok := reserved[k]; ok {
		return gridErrorf("[%s] sets %q, which a grid may not set: %s", table, k, why)
	}
	if !known(k) {
		hint := ""
		if u := strings.ReplaceAll(k, "-", "_"); u != k && known(u) {
			hint = fmt.Sprintf(" (write it %s)", u)
		}
		return gridErrorf("[%s] has unknown setting %q%s: settings are eos run's options with underscores, e.g. max_steps", table, k, hint)
	}
	return nil
}

// scalar formats one TOML value as eos run's command line takes it. Whole
// numbers are formatted alike whether written 1 or 1.0, so both give the
// same run id.
func scalar(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("%v is not a usable value", x)
		}
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	default:
		return "", fmt.Errorf("%v is a %T; want a string, number or boolean (write widths as \"200,200\")", v, v)
	}
}

// expand fills g.Specs with every combination of axis values, the last axis
// varying fastest.
func (g *Grid) expand() error {
	n := 1
	for _, a := range g.Axes {
		n *= len(a.Values)
		if n > 1_000_000 {
			return gridErrorf("the grid has more than a million runs")
		}
	}
	seen := make(map[string]int, n)
	for i := range n {
		settings := slices.Clone(g.Base)
		rest := i
		for a := len(g.Axes) - 1; a >= 0; a-- {
			ax := g.Axes[a]
			settings = append(settings, Setting{ax.Key, ax.Values[rest%len(ax.Values)]})
			rest /= len(ax.Values)
		}
		slices.SortFunc(settings, func(a, b Setting) int { return strings.Compare(a.Key, b.Key) })
		s := Spec{Index: i, ID: runID(settings), Settings: settings}
		if j, dup := seen[s.ID]; dup {
			return gridErrorf("runs %d and %d have the same settings (%s): an axis repeats a value", j, i, strings.Join(s.Args(), " "))
		}
		seen[s.ID] = i
		g.Specs = append(g.Specs, s)
	}
	return nil
}

// runID hashes the settings that define a run (every setting but the
// resource ones), sorted by key, so it is the same on every machine and for
// every version that gives the settings the same meaning.
func runID(sorted []Setting) string {
	h := sha256.New()
	for _, s := range sorted {
		if !slices.Contains(resourceKeys, s.Key) {
			fmt.Fprintf(h, "%s=%s\n", s.Key, s.Value)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}
