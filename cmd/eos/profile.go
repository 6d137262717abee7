package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pkg/profile"
)

// startProfiles starts the CPU or heap profile that --cpuprofile or
// --memprofile asks for, and returns the function that stops it and moves
// the profile to the file the user named.
func startProfiles(cpuFile, memFile string) (func() error, error) {
	mode, produced, dest := profile.CPUProfile, "cpu.pprof", cpuFile
	switch {
	case cpuFile != "" && memFile != "":
		return nil, errors.New("--cpuprofile and --memprofile cannot be combined: profile one at a time")
	case cpuFile == "" && memFile == "":
		return func() error { return nil }, nil
	case memFile != "":
		mode, produced, dest = profile.MemProfile, "mem.pprof", memFile
	}
	dir, err := os.MkdirTemp(filepath.Dir(dest), ".eos-profile")
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", dest, err)
	}
	p := profile.Start(mode, profile.ProfilePath(dir), profile.Quiet, profile.NoShutdownHook)
	return func() error {
		p.Stop()
		defer os.RemoveAll(dir)
		if err := os.Rename(filepath.Join(dir, produced), dest); err != nil {
			return fmt.Errorf("profile %s: %w", dest, err)
		}
		return nil
	}, nil
}
