package sweep

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Job is what a cluster job over a grid needs to know.
type Job struct {
	// Name names the job (Slurm job name, Kubernetes object names).
	Name string
	// Runs is the number of runs, one array task or completion index each.
	Runs int
	// Plan is Grid.Plan: every task checks that the grid still expands to it.
	Plan string
	// Eos is the eos binary, Grid the grid file and Out the sweep directory, as the tasks see them.
	Eos, Grid, Out string
	// CPUs per task, also each run's --threads; MaxParallel caps the tasks running at once (0 = no cap).
	CPUs, MaxParallel int
	// Mem is the memory per task in Slurm's notation (4G); "" = the cluster's default.
	Mem string
	// Partition and Time are Slurm's --partition and --time ("" = the cluster's default).
	Partition, Time string
}

// taskArgs is the command line every task runs.
func (j Job) taskArgs() []string {
	return []string{j.Eos, "sweep", "run", j.Grid, "--out", j.Out, "--plan", j.Plan, "--threads", strconv.Itoa(j.CPUs)}
}

// SlurmLogDir is where a Slurm job's task logs go, in the sweep directory.
func SlurmLogDir(out string) string { return filepath.Join(out, "slurm") }

// SlurmScript returns an sbatch script for a job array with one task per run
// (--array=0-N-1, %MaxParallel when set); each task runs eos sweep run, which
// picks its run from SLURM_ARRAY_TASK_ID.
func SlurmScript(j Job) string {
	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	fmt.Fprintf(&b, "# eos sweep over %s: %d runs, one array task each (written by eos sweep slurm).\n", j.Grid, j.Runs)
	directive := func(opt, v string) {
		if v != "" {
			fmt.Fprintf(&b, "#SBATCH --%s=%s\n", opt, v)
		}
	}
	directive("job-name", j.Name)
	array := fmt.Sprintf("0-%d", j.Runs-1)
	if j.MaxParallel > 0 {
		array += "%" + strconv.Itoa(j.MaxParallel)
	}
	directive("array", array)
	directive("ntasks", "1")
	directive("cpus-per-task", strconv.Itoa(j.CPUs))
	directive("mem", j.Mem)
	directive("partition", j.Partition)
	directive("time", j.Time)
	directive("output", filepath.Join(SlurmLogDir(j.Out), "%A_%a.out"))
	b.WriteString("set -euo pipefail\nexec")
	for _, a := range j.taskArgs() {
		b.WriteString(" " + shellQuote(a))
	}
	b.WriteString("\n")
	return b.String()
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if regexp.MustCompile(`^[A-Za-z0-9_./=:,+-]+$`).MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// K8s describes the Kubernetes side of a job.
type K8s struct {
	// Image is the container image holding eos on its PATH.
	Image string
	// Claim is the PersistentVolumeClaim mounted at /results for the sweep directory.
	Claim string
	// Parallelism is the number of pods running at once.
	Parallelism int
}

// k8s paths inside the pod.
const (
	k8sGridDir    = "/etc/eos"
	k8sResultsDir = "/results"
)

// K8sManifest returns a Kubernetes List (JSON, which kubectl apply -f reads as
// YAML too) of a ConfigMap holding the grid file and an Indexed Job with one
// completion per run; each pod runs eos sweep run, which picks its run from
// JOB_COMPLETION_INDEX, and writes under the claim mounted at /results. The
// job's Eos, Grid and Out fields are ignored: the pod's paths are fixed.
func K8sManifest(j Job, k K8s, grid []byte) ([]byte, error) {
	name := dnsName(j.Name)
	j.Eos = "eos"
	j.Grid = k8sGridDir + "/grid.toml"
	j.Out = k8sResultsDir + "/" + name
	parallelism := k.Parallelism
	if parallelism < 1 || parallelism > j.Runs {
		parallelism = j.Runs
	}
	resources := map[string]string{"cpu": strconv.Itoa(j.CPUs)}
	if j.Mem != "" {
		resources["memory"] = k8sMemory(j.Mem)
	}
	type obj = map[string]any
	list := obj{
		"apiVersion": "v1",
		"kind":       "List",
		"items": []obj{
			{
				"apiVersion": "v1",
				"kind":       "ConfigMap",
				"metadata":   obj{"name": name + "-grid"},
				"data":       obj{"grid.toml": string(grid)},
			},
			{
				"apiVersion": "batch/v1",
				"kind":       "Job",
				"metadata":   obj{"name": name, "labels": obj{"app.kubernetes.io/name": "eos-sweep"}},
				"spec": obj{
					"completionMode": "Indexed",
					"completions":    j.Runs,
					"parallelism":    parallelism,
					"backoffLimit":   j.Runs,
					"template": obj{
						"metadata": obj{"labels": obj{"app.kubernetes.io/name": "eos-sweep"}},
						"spec": obj{
							"restartPolicy": "Never",
							"containers": []obj{{
								"name":         "eos",
								"image":        k.Image,
								"command":      j.taskArgs(),
								"resources":    obj{"requests": resources, "limits": resources},
								"volumeMounts": []obj{{"name": "grid", "mountPath": k8sGridDir, "readOnly": true}, {"name": "results", "mountPath": k8sResultsDir}},
							}},
							"volumes": []obj{
								{"name": "grid", "configMap": obj{"name": name + "-grid"}},
								{"name": "results", "persistentVolumeClaim": obj{"claimName": k.Claim}},
							},
						},
					},
				},
			},
		},
	}
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding the manifest: %w", err)
	}
	return append(b, '\n'), nil
}

// k8sMemory turns a Slurm memory size (4G, 500M, 4000 = MB) into
// Kubernetes' notation (4Gi, 500Mi, 4000Mi).
func k8sMemory(m string) string {
	m = strings.ToUpper(m)
	switch last := m[len(m)-1]; {
	case last >= '0' && last <= '9':
		return m + "Mi"
	case strings.ContainsRune("KMGT", rune(last)):
		return m + "i"
	}
	return m
}

// dnsName turns s into a Kubernetes object name (lower-case letters, digits
// and '-', at most 50 characters, so suffixes fit in 63).
func dnsName(s string) string {
	s = strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(s) > 50 {
		s = strings.TrimRight(s[:50], "-")
	}
	if s == "" {
		return "eos-sweep"
	}
	return s
}
