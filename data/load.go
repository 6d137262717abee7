package data

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// DefaultName is the embedded default dataset's name: CIFAR-like images
// generated in memory from the seed, needing no files. With
// DefaultSynthConfig it is 2,000 training and 500 test 8×8 RGB images (192
// bytes each, CHW) in 10 classes: each class a random smooth prototype, each
// example its prototype shifted by up to a pixel plus a random smooth
// deformation plus pixel noise, quantised to bytes, with 4% of the training
// labels flipped. It is standardised exactly like CIFAR-10. See Synthesize.
const DefaultName = "synth-cifar"

// ErrUnknownDataset is wrapped by Load's error for a name it does not know.
var ErrUnknownDataset = errors.New("unknown dataset")

// Split is a dataset's training and test sets.
type Split struct{ Train, Test *Set }

// cifarSubsets are the k-suffixes of the reference's CIFAR-10 subsets.
var cifarSubsets = []int{1, 2, 5, 10, 20}

// Names lists the dataset name patterns Load accepts, for --help.
func Names() []string {
	names := []string{DefaultName, "cifar10"}
	for _, k := range cifarSubsets {
		names = append(names, fmt.Sprintf("cifar10-%dk", k))
	}
	return append(names, "cifar10-N", "chebyshev-K-N", "linear-N-D")
}

// Load returns the named dataset. dir is the data directory (see Dir); seed
// seeds generated sets.
//
// cifar10 is every training record present (with the full test batch);
// cifar10-Nk the first N thousand training records in batch order (the
// reference's subsets), cifar10-N the first N (for quick runs of the deep
// nets).
// chebyshev-K-N is N points evenly spaced in [-1, 1] labelled by the Chebyshev
// polynomial T_K, linear-N-D the deep-linear-network task with N points in D
// dimensions; both use the training set as the test set, as the reference
// does. DefaultName is the embedded generator with its default parameters.
func Load(name, dir string, seed uint64) (Split, error) {
	switch {
	case name == DefaultName:
		return Synthesize(DefaultSynthConfig(), seed)
	case name == "cifar10":
		return loadCIFAR(dir, name, 0)
	case strings.HasPrefix(name, "cifar10-"):
		for _, k := range cifarSubsets {
			if name == fmt.Sprintf("cifar10-%dk", k) {
				return loadCIFAR(dir, name, 1000*k)
			}
		}
		if n, ok := natural(strings.TrimPrefix(name, "cifar10-")); ok && n >= 1 {
			return loadCIFAR(dir, name, n)
		}
	case strings.HasPrefix(name, "chebyshev-"):
		if k, n, ok := twoInts(name, "chebyshev-"); ok && k >= 0 && n >= 2 {
			return chebyshev(name, k, n), nil
		}
	case strings.HasPrefix(name, "linear-"):
		if n, d, ok := twoInts(name, "linear-"); ok && d >= 1 && n >= d {
			return linear(name, n, d, seed), nil
		}
	}
	return Split{}, fmt.Errorf("%w %q (valid: %s; chebyshev needs K ≥ 0, N ≥ 2 and linear N ≥ D ≥ 1)",
		ErrUnknownDataset, name, strings.Join(Names(), ", "))
}

// Available reports why the named dataset cannot be loaded from dir without
// reading it: nil for the generated sets and for CIFAR-10 sets whose files
// are present, else the error Load would give for the missing data.
func Available(name, dir string) error {
	if strings.HasPrefix(name, "cifar10") {
		_, _, err := cifarSource(dir, name)
		return err
	}
	return nil
}

// twoInts parses name as prefix followed by two non-negative decimal integers
// separated by a dash.
func twoInts(name, prefix string) (a, b int, ok bool) {
	first, second, found := strings.Cut(strings.TrimPrefix(name, prefix), "-")
	if !found {
		return 0, 0, false
	}
	a, okA := natural(first)
	b, okB := natural(second)
	return a, b, okA && okB
}

// natural parses s as a plain non-negative decimal integer of at most 9 digits.
func natural(s string) (int, bool) {
	if s == "" || len(s) > 9 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	return v, err == nil
}

// Dir resolves the data directory: flag value if non-empty, else $EOS_DATA,
// else os.UserCacheDir()/eos.
func Dir(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if env := os.Getenv("EOS_DATA"); env != "" {
		return env, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the data directory (set --data-dir or EOS_DATA): %w", err)
	}
	return filepath.Join(cache, "eos"), nil
}
