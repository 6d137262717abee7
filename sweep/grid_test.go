package sweep

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// knownKeys stands in for eos run's options.
func knownKeys(k string) bool {
	return slices.Contains([]string{"lr", "seed", "widths", "max_steps", "dataset", "threads", "data_dir", "beta", "opt"}, k)
}

const exampleGrid = `
[base]
max_steps = 300
dataset = "synth-cifar"
[axes]
widths = ["32,32", "64"]
lr = [0.1, 0.2, 1]
seed = [0, 1]
`

func TestParseExpandsInOrderWithLastAxisFastest(t *testing.T) {
	g, err := Parse([]byte(exampleGrid), knownKeys)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Specs) != 12 {
		t.Fatalf("%d runs, want 2·3·2 = 12", len(g.Specs))
	}
	var got []string
	for _, s := range g.Specs[:4] {
		w, _ := s.Value("widths")
		lr, _ := s.Value("lr")
		seed, _ := s.Value("seed")
		got = append(got, w+"/"+lr+"/"+seed)
	}
	want := []string{"32,32/0.1/0", "32,32/0.1/1", "32,32/0.2/0", "32,32/0.2/1"}
	if !slices.Equal(got, want) {
		t.Errorf("first runs %v, want %v", got, want)
	}
	last := g.Specs[11]
	if w, _ := last.Value("widths"); w != "64" || last.Index != 11 {
		t.Errorf("last run %+v", last)
	}
	if v, _ := last.Value("max_steps"); v != "300" {
		t.Errorf("base setting missing from a run: %v", last.Settings)
	}
	if !slices.Contains(last.Args(), "--max-steps=300") || !slices.Contains(last.Args(), "--lr=1") {
		t.Errorf("args %v", last.Args())
	}
	ids := map[string]bool{}
	for _, s := range g.Specs {
		if len(s.ID) != 12 || ids[s.ID] {
			t.Errorf("run %d: id %q empty, malformed or repeated", s.Index, s.ID)
		}
		ids[s.ID] = true
	}
}

func TestRunIDsDependOnlyOnTheSettingsMeaning(t *testing.T) {
	a, err := Parse([]byte(exampleGrid), knownKeys)
	if err != nil {
		t.Fatal(err)
	}
	// The same runs written differently: tables and axes reordered, 1 as
	// 1.0, 300 as 300.0, and a resource setting added.
	b, err := Parse([]byte(`
[axes]
seed = [1, 0]
lr = [1.0, 0.2, 0.1]
widths = ["64", "32,32"]
[base]
dataset = "synth-cifar"
threads = 7
max_steps = 300.0
`), knownKeys)
	if err != nil {
		t.Fatal(err)
	}
	key := func(s Spec) string {
		var kv []string
		for _, st := range s.Settings {
			if st.Key != "threads" {
				kv = append(kv, st.Key+"="+st.Value)
			}
		}
		return strings.Join(kv, " ")
	}
	byKey := map[string]string{}
	for _, s := range a.Specs {
		byKey[key(s)] = s.ID
	}
	for _, s := range b.Specs {
		if id, ok := byKey[key(s)]; !ok || id != s.ID {
			t.Errorf("run %s: id %s, the same settings had %q", key(s), s.ID, id)
		}
	}
	if a.Plan() == b.Plan() {
		t.Error("reordered axes give the same plan, but their indices map to other runs")
	}
	c, err := Parse([]byte(strings.Replace(exampleGrid, "max_steps = 300", "max_steps = 301", 1)), knownKeys)
	if err != nil {
		t.Fatal(err)
	}
	if c.Specs[0].ID == a.Specs[0].ID {
		t.Error("changing a base setting kept the run id")
	}
}

func TestBadGridsAreErrorsNamingTheProblem(t *testing.T) {
	cases := map[string]string{
		"[base]\nlr = 0.1\nnope = 3\n":                              `"nope"`,
		"[axes]\nmax-steps = [1, 2]\n":                              "write it max_steps",
		"[base]\nresults = \"x\"\n":                                 `"results"`,
		"[base]\nlr = 0.1\n[axes]\nlr = [0.2]\n":                    `"lr" is in both`,
		"[axes]\nlr = []\n":                                         "empty",
		"[axes]\nlr = 0.1\n":                                        "want a list",
		"[axes]\nseed = [0, 0]\n":                                   "same settings",
		"[base]\nwidths = [200, 200]\n":                             `"200,200"`,
		"[sweep]\nname = 1\n":                                       `"sweep"`,
		"lr = 0.1\n":                                                `"lr"`,
		"[base\nlr = 0.1\n":                                         "line 2",
		"[axes]\nlr = [0.1, \"x\", [1]]\n":                          "value 3",
		"[base]\nlr = nan\n":                                        "not a usable value",
		"[base]\nlr = 0.1\n[axes]\nseed = [1, 2, 3]\nbogus = [1]\n": `"bogus"`,
	}
	for src, want := range cases {
		_, err := Parse([]byte(src), knownKeys)
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, ErrGrid) || strings.Contains(err.Error(), "\n") {
			t.Errorf("grid %q: error %v, want one line mentioning %s", src, err, want)
		}
	}
}
