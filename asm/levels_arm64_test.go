//go:build !purego

package asm

import (
	"testing"

	"github.com/klauspost/cpuid/v2"
)

// TestCPUFeaturesMatchLevels fails when cpuid reports ASIMD but the NEON
// kernels are not offered, or the reverse.
func TestCPUFeaturesMatchLevels(t *testing.T) {
	neon := cpuid.CPU.Supports(cpuid.ASIMD)
	if got := Levels()[1]; got.Name != "neon" || got.Supported != neon {
		t.Errorf("Levels()[1] = %+v, but cpuid says ASIMD = %v", got, neon)
	}
	if want := 1 + map[bool]int{true: 1}[neon]; len(SgemmKernels()) != want || len(DgemmKernels()) != want {
		t.Errorf("%d sgemm and %d dgemm kernels, want %d", len(SgemmKernels()), len(DgemmKernels()), want)
	}
}
