package sweep

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard returns the indices of shard i of n (i from 0) of a grid of total
// runs: i, i+n, i+2n, …
func Shard(i, n, total int) []int {
	var out []int
	for k := i; k < total; k += n {
		out = append(out, k)
	}
	return out
}

// ParseShard parses "i/n" with 0 <= i < n.
func ParseShard(s string) (i, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("--shard %q: want i/n with 0 <= i < n, e.g. 0/4", s)
	}
	return i, n, nil
}

// TaskFromEnv returns the runs of a grid of total runs that this task of a
// cluster job should do, read from the environment through getenv, and names
// the source; ok is false outside a job array.
//
// In a Slurm job array, task SLURM_ARRAY_TASK_ID is task number
// j = (ID − SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP of
// SLURM_ARRAY_TASK_COUNT tasks, and does shard j of COUNT: run j alone when
// the array has one task per run, every COUNT-th run from j when it has
// fewer. In a Kubernetes Indexed Job, JOB_COMPLETION_INDEX is the run index.
func TaskFromEnv(getenv func(string) string, total int) (indices []int, source string, ok bool, err error) {
	if id := getenv("SLURM_ARRAY_TASK_ID"); id != "" {
		vars := map[string]int{"SLURM_ARRAY_TASK_ID": 0, "SLURM_ARRAY_TASK_MIN": 0, "SLURM_ARRAY_TASK_STEP": 1, "SLURM_ARRAY_TASK_COUNT": total}
		for name := range vars {
			v := getenv(name)
			if v == "" {
				continue
			}
			x, err := strconv.Atoi(v)
			if err != nil || x < 0 {
				return nil, "", false, fmt.Errorf("%s=%q is not a task number", name, v)
			}
			vars[name] = x
		}
		id, lo, step, count := vars["SLURM_ARRAY_TASK_ID"], vars["SLURM_ARRAY_TASK_MIN"], vars["SLURM_ARRAY_TASK_STEP"], vars["SLURM_ARRAY_TASK_COUNT"]
		if step < 1 || count < 1 || id < lo || (id-lo)%step != 0 {
			return nil, "", false, fmt.Errorf("SLURM_ARRAY_TASK_ID=%d does not fit MIN=%d, STEP=%d, COUNT=%d", id, lo, step, count)
		}
		j := (id - lo) / step
		if j >= count {
			return nil, "", false, fmt.Errorf("SLURM_ARRAY_TASK_ID=%d is task %d of only %d", id, j, count)
		}
		return Shard(j, count, total), fmt.Sprintf("Slurm array task %d (task %d of %d)", id, j, count), true, nil
	}
	if v := getenv("JOB_COMPLETION_INDEX"); v != "" {
		k, err := strconv.Atoi(v)
		if err != nil || k < 0 || k >= total {
			return nil, "", false, fmt.Errorf("JOB_COMPLETION_INDEX=%q: want a run index from 0 to %d", v, total-1)
		}
		return []int{k}, fmt.Sprintf("Kubernetes completion index %d", k), true, nil
	}
	return nil, "", false, nil
}
