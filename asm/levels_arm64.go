//go:build !purego

package asm

import "github.com/klauspost/cpuid/v2"

// archLevels are the arm64 levels, lowest first.
var archLevels = []levelDef{
	{name: "generic", supported: func() bool { return true }},
	{name: "neon", supported: func() bool { return cpuid.CPU.Supports(cpuid.ASIMD) }},
}
