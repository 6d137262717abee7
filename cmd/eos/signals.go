package main

import (
	"context"
	"os"
	"os/signal"
)

// Exit statuses of an interrupted run: 75 (EX_TEMPFAIL, so a requeue script
// knows to resume) for a scheduler's signal, 130 (128 + SIGINT) for Ctrl-C.
const (
	exitTempFail  = 75
	exitInterrupt = 130
)

// signalCause is the cause of a context cancelled by a signal.
type signalCause struct {
	sig  os.Signal
	name string
}

func (c signalCause) Error() string { return c.name }

// exitCode is the exit status of a run the signal interrupted.
func (c signalCause) exitCode() int {
	if c.sig == os.Interrupt {
		return exitInterrupt
	}
	return exitTempFail
}

// signalContext returns a context that the first of stopSignals cancels,
// with a signalCause; later signals are swallowed until stop, so that the
// checkpoint being written is not cut short.
func signalContext() (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 4)
	for sig := range stopSignals {
		signal.Notify(ch, sig)
	}
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			cancel(signalCause{sig: sig, name: stopSignals[sig]})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}
