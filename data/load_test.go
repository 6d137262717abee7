package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDir(t *testing.T) {
	t.Setenv("EOS_DATA", "/from/env")
	if d, err := Dir("/from/flag"); err != nil || d != "/from/flag" {
		t.Errorf("flag: %q, %v", d, err)
	}
	if d, err := Dir(""); err != nil || d != "/from/env" {
		t.Errorf("env: %q, %v", d, err)
	}
	t.Setenv("EOS_DATA", "")
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Skip("no user cache directory here:", err)
	}
	if d, err := Dir(""); err != nil || d != filepath.Join(cache, "eos") {
		t.Errorf("cache: %q, %v", d, err)
	}
}

func TestNamesListsEveryFamily(t *testing.T) {
	joined := strings.Join(Names(), " ")
	for _, want := range []string{DefaultName, "cifar10", "cifar10-1k", "cifar10-2k", "cifar10-5k", "cifar10-10k", "cifar10-20k", "cifar10-N", "chebyshev-K-N", "linear-N-D"} {
		if !strings.Contains(joined, want) {
			t.Errorf("Names() = %v lacks %q", Names(), want)
		}
	}
}

func TestUnknownNames(t *testing.T) {
	for _, name := range []string{"", "cifar", "cifar10-3k", "cifar10-1K", "chebyshev-3", "chebyshev-3-1", "chebyshev-a-5",
		"chebyshev--3-5", "chebyshev-3-5-", "linear-5-10", "linear-0-0", "linear-+5-2", "synthetic"} {
		_, err := Load(name, t.TempDir(), 0)
		if err == nil {
			t.Errorf("Load(%q) succeeded", name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, `"`+name+`"`) || !strings.Contains(msg, "chebyshev-K-N") || !strings.Contains(msg, DefaultName) || strings.Contains(msg, "\n") {
			t.Errorf("Load(%q): error %q should be one line naming it and the valid patterns", name, msg)
		}
	}
}
