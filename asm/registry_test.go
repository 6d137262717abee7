package asm

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// restoreAuto selects the best level again after a test changes it.
func restoreAuto(t *testing.T) {
	t.Cleanup(func() {
		if err := Select("auto"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestEverySupportedLevelRegistered fails when a level this CPU supports has
// no GEMM kernel registered, or its kernel claims another level.
func TestEverySupportedLevelRegistered(t *testing.T) {
	reg := RegisteredLevels()
	for _, l := range Levels() {
		if !l.Supported {
			continue
		}
		ops := []string{sgemm.name, dgemm.name} // the others may fall back to a lower level
		if l.Name == "generic" {
			ops = slices.Collect(maps.Keys(reg))
		}
		for _, op := range ops {
			if !slices.Contains(reg[op], l.Name) {
				t.Errorf("level %s is supported but registered no %s", l.Name, op)
			}
		}
	}
	for _, k := range SgemmKernels() {
		if k.MR*k.NR > 1024 || k.MR <= 0 || k.NR <= 0 {
			t.Errorf("sgemm %s: bad tile %d×%d", k.Level, k.MR, k.NR)
		}
	}
	if Levels()[0].Name != "generic" || !Levels()[0].Supported {
		t.Errorf("Levels()[0] = %+v, want generic supported", Levels()[0])
	}
}

// TestSelect checks choosing levels by name, by EOS_KERNEL, and the errors.
func TestSelect(t *testing.T) {
	restoreAuto(t)
	if err := Select("generic"); err != nil {
		t.Fatal(err)
	}
	if Selected() != "generic" || Sgemm().Level != "generic" || Dgemm().Level != "generic" {
		t.Errorf("after Select(generic): selected %s, sgemm %s, dgemm %s", Selected(), Sgemm().Level, Dgemm().Level)
	}
	err := Select("quantum")
	if err == nil || !strings.Contains(err.Error(), "quantum") || !strings.Contains(err.Error(), "generic") {
		t.Errorf("Select(quantum) error = %v, want one naming the level and the known ones", err)
	}
	for _, l := range Levels() {
		err := Select(l.Name)
		if l.Supported != (err == nil) {
			t.Errorf("Select(%s) = %v, but Supported = %v", l.Name, err, l.Supported)
		}
		if err == nil && (Selected() != l.Name || Sgemm().Level != l.Name) {
			t.Errorf("Select(%s): selected %s, sgemm %s", l.Name, Selected(), Sgemm().Level)
		}
	}
	t.Setenv("EOS_KERNEL", "generic")
	if err := Select(""); err != nil || Selected() != "generic" {
		t.Errorf("Select(\"\") with EOS_KERNEL=generic: %v, selected %s", err, Selected())
	}
	if err := Select("auto"); err != nil {
		t.Fatal(err)
	}
	best := ""
	for _, l := range Levels() {
		if l.Supported {
			best = l.Name
		}
	}
	if Selected() != best {
		t.Errorf("Select(auto) chose %s, want the best supported %s", Selected(), best)
	}
}

// TestDescribe checks that the description names the CPU, caches and the
// kernel of every operation.
func TestDescribe(t *testing.T) {
	d := Describe()
	for _, want := range []string{"CPU:", "caches:", "L1d", "cores:", sgemm.name, dgemm.name, standardize32.name, Selected()} {
		if !strings.Contains(d, want) {
			t.Errorf("Describe() lacks %q:\n%s", want, d)
		}
	}
}
