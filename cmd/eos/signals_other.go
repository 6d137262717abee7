//go:build !unix

package main

import "os"

// stopSignals stop a run after its current step with a checkpoint.
var stopSignals = map[os.Signal]string{os.Interrupt: "SIGINT"}
