//go:build unix

package sweep

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// errLocked reports a lock held by another task.
var errLocked = errors.New("locked by another task")

// tryLock takes an exclusive flock on path (created if missing) without
// waiting. The kernel drops the lock when the holder exits, however it dies,
// so a killed task never leaves a run locked; the file itself stays, since
// removing a lock file races with the next task opening it. On NFS, Linux
// maps flock to the server's byte-range locks.
func tryLock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errLocked
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}
