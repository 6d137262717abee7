//go:build !purego

package asm

import "github.com/klauspost/cpuid/v2"

// archLevels are the amd64 levels, lowest first. cpuid reports AVX and
// AVX-512 only when the OS saves their registers.
var archLevels = []levelDef{
	{name: "generic", supported: func() bool { return true }},
	{name: "avx2", supported: func() bool { return cpuid.CPU.Supports(cpuid.AVX, cpuid.AVX2, cpuid.FMA3) }},
	{name: "avx512", supported: func() bool {
		return cpuid.CPU.Supports(cpuid.AVX, cpuid.AVX2, cpuid.FMA3, cpuid.AVX512F)
	}},
}
