//go:build unix

package main

import (
	"os"
	"syscall"
)

// stopSignals stop a run after its current step with a checkpoint: Ctrl-C,
// and what batch schedulers send before a time limit (Slurm's --signal).
var stopSignals = map[os.Signal]string{
	os.Interrupt:    "SIGINT",
	syscall.SIGTERM: "SIGTERM",
	syscall.SIGHUP:  "SIGHUP",
	syscall.SIGUSR1: "SIGUSR1",
}
