package sweep

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestTaskFromEnv(t *testing.T) {
	cases := []struct {
		env  func(string) string
		want []int
	}{
		{env("SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_MIN", "0", "SLURM_ARRAY_TASK_COUNT", "8"), []int{3}},
		// An array submitted as 1-8: task ids are one more than the runs.
		{env("SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_MIN", "1", "SLURM_ARRAY_TASK_COUNT", "8"), []int{0}},
		// --array=10-24:5 over 8 runs: 3 tasks, task 15 is task 1 and does runs 1, 4, 7.
		{env("SLURM_ARRAY_TASK_ID", "15", "SLURM_ARRAY_TASK_MIN", "10", "SLURM_ARRAY_TASK_STEP", "5", "SLURM_ARRAY_TASK_COUNT", "3"), []int{1, 4, 7}},
		// More tasks than runs: the extra ones have nothing to do.
		{env("SLURM_ARRAY_TASK_ID", "9", "SLURM_ARRAY_TASK_COUNT", "10"), nil},
		{env("JOB_COMPLETION_INDEX", "5"), []int{5}},
	}
	for i, c := range cases {
		got, source, ok, err := TaskFromEnv(c.env, 8)
		if err != nil || !ok || !slices.Equal(got, c.want) || source == "" {
			t.Errorf("case %d: %v %q %v %v, want %v", i, got, source, ok, err, c.want)
		}
	}
	if _, _, ok, err := TaskFromEnv(env(), 8); ok || err != nil {
		t.Errorf("no job array: ok %v, err %v", ok, err)
	}
	for _, bad := range []func(string) string{
		env("SLURM_ARRAY_TASK_ID", "x"),
		env("SLURM_ARRAY_TASK_ID", "12", "SLURM_ARRAY_TASK_MIN", "10", "SLURM_ARRAY_TASK_STEP", "5"),
		env("SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_MIN", "4"),
		env("JOB_COMPLETION_INDEX", "8"),
	} {
		if _, _, _, err := TaskFromEnv(bad, 8); err == nil {
			t.Error("a bad job array environment accepted")
		}
	}
}

func TestShardsCoverEveryRunOnce(t *testing.T) {
	for n := 1; n <= 5; n++ {
		seen := make([]int, 11)
		for i := range n {
			for _, k := range Shard(i, n, 11) {
				seen[k]++
			}
		}
		for k, c := range seen {
			if c != 1 {
				t.Errorf("%d shards: run %d done %d times", n, k, c)
			}
		}
	}
	if i, n, err := ParseShard("2/3"); err != nil || i != 2 || n != 3 {
		t.Errorf("ParseShard: %d %d %v", i, n, err)
	}
	for _, bad := range []string{"3/3", "-1/2", "1", "a/b", "0/0"} {
		if _, _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
}

func TestSlurmScript(t *testing.T) {
	j := Job{Name: "eos-lr", Runs: 8, Plan: "abc", Eos: "/opt/eos", Grid: "/g/my grid.toml", Out: "/r/out", CPUs: 4, MaxParallel: 3, Mem: "4G", Time: "1:00:00"}
	s := SlurmScript(j)
	for _, want := range []string{"#!/bin/bash\n", "#SBATCH --array=0-7%3\n", "#SBATCH --cpus-per-task=4\n", "#SBATCH --mem=4G\n",
		"#SBATCH --time=1:00:00\n", "#SBATCH --output=/r/out/slurm/%A_%a.out\n",
		"exec /opt/eos sweep run '/g/my grid.toml' --out /r/out --plan abc --threads 4\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "--partition") {
		t.Errorf("an unset partition is in the script:\n%s", s)
	}
	if got := shellQuote("it's"); got != `'it'\''s'` {
		t.Errorf("shellQuote: %s", got)
	}
}

func TestK8sManifest(t *testing.T) {
	j := Job{Name: "eos-My_Grid", Runs: 6, Plan: "abc", CPUs: 2, Mem: "3G"}
	raw, err := K8sManifest(j, K8s{Image: "reg/eos:1", Claim: "pvc", Parallelism: 4}, []byte("[axes]\nlr = [1]\n"))
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Kind  string
		Items []struct {
			Kind     string
			Metadata struct{ Name string }
			Data     map[string]string
			Spec     struct {
				CompletionMode           string
				Completions, Parallelism int
				Template                 struct {
					Spec struct {
						RestartPolicy string
						Containers    []struct {
							Image     string
							Command   []string
							Resources struct{ Requests map[string]string }
						}
						Volumes []map[string]any
					}
				}
			}
		}
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	if list.Kind != "List" || len(list.Items) != 2 {
		t.Fatalf("manifest: %s", raw)
	}
	cm, job := list.Items[0], list.Items[1]
	if cm.Kind != "ConfigMap" || cm.Data["grid.toml"] != "[axes]\nlr = [1]\n" || cm.Metadata.Name != "eos-my-grid-grid" {
		t.Errorf("config map %+v", cm)
	}
	s := job.Spec
	if job.Kind != "Job" || s.CompletionMode != "Indexed" || s.Completions != 6 || s.Parallelism != 4 || job.Metadata.Name != "eos-my-grid" {
		t.Errorf("job %+v", job)
	}
	c := s.Template.Spec.Containers[0]
	if c.Image != "reg/eos:1" || fmt.Sprint(c.Command) != "[eos sweep run /etc/eos/grid.toml --out /results/eos-my-grid --plan abc --threads 2]" ||
		c.Resources.Requests["memory"] != "3Gi" || c.Resources.Requests["cpu"] != "2" || s.Template.Spec.RestartPolicy != "Never" {
		t.Errorf("container %+v", c)
	}
	if !strings.Contains(fmt.Sprint(s.Template.Spec.Volumes), "claimName:pvc") {
		t.Errorf("volumes %v", s.Template.Spec.Volumes)
	}
}

func TestSeriesGroupsSeedsIntoLinesSortedByValue(t *testing.T) {
	c := &Collection{
		Columns: []string{"run_id", "dir", "lr", "seed", "widths", "fig"},
		Rows: [][]string{
			{"a", "d1", "0.2", "0", "100", "3"},
			{"b", "d2", "0.1", "0", "100", "1"},
			{"c", "d3", "0.1", "1", "100", "2"},
			{"d", "d4", "0.1", "0", "16", "5"},
			{"e", "d5", "0.2", "1", "100", ""},
		},
	}
	if v := c.Varying([]string{"lr", "seed", "widths", "run_id", "nope"}); fmt.Sprint(v) != "[lr seed widths run_id]" {
		t.Errorf("varying %v", v)
	}
	s, err := c.Series("lr", "fig", []string{"widths"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 2 || s[0].Label != "widths=16" || s[1].Label != "widths=100" {
		t.Fatalf("series %+v", s)
	}
	w100 := s[1]
	if fmt.Sprint(w100.X) != "[0.1 0.2]" || fmt.Sprint(w100.Y) != "[[1 2] [3 NaN]]" {
		t.Errorf("widths=100: %+v", w100)
	}
	if _, err := c.Series("lr", "nope", nil); err == nil {
		t.Error("an unknown figure accepted")
	}
}
