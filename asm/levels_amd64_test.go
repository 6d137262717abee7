//go:build !purego

package asm

import (
	"testing"

	"github.com/klauspost/cpuid/v2"
)

// TestCPUFeaturesMatchLevels fails when cpuid reports the features of a
// level that Levels does not list as supported, or the reverse.
func TestCPUFeaturesMatchLevels(t *testing.T) {
	want := map[string]bool{
		"generic": true,
		"avx2":    cpuid.CPU.Supports(cpuid.AVX2, cpuid.FMA3),
		"avx512":  cpuid.CPU.Supports(cpuid.AVX2, cpuid.FMA3, cpuid.AVX512F),
	}
	got := map[string]bool{}
	for _, l := range Levels() {
		got[l.Name] = l.Supported
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("level %s: Supported = %v, but cpuid says %v", name, got[name], w)
		}
	}
	for _, k := range SgemmKernels() {
		if !got[k.Level] {
			t.Errorf("sgemm kernel of unsupported level %s offered", k.Level)
		}
	}
	if n := len(SgemmKernels()); n != len(DgemmKernels()) || n != countTrue(want) {
		t.Errorf("%d sgemm and %d dgemm kernels for %d supported levels", n, len(DgemmKernels()), countTrue(want))
	}
}

func countTrue(m map[string]bool) int {
	n := 0
	for _, v := range m {
		if v {
			n++
		}
	}
	return n
}
