//go:build purego || !(amd64 || arm64)

package asm

// archLevels are the levels known on this build: the pure-Go kernels only.
var archLevels = []levelDef{{name: "generic", supported: func() bool { return true }}}
