//go:build !unix

package sweep

import (
	"errors"
	"fmt"
	"os"
)

// errLocked reports a lock held by another task.
var errLocked = errors.New("locked by another task")

// tryLock creates path exclusively and removes it on unlock. Without flock a
// task that dies keeps the run locked: delete locks/<id>.lock by hand.
func tryLock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return nil, errLocked
	}
	if err != nil {
		return nil, fmt.Errorf("creating lock: %w", err)
	}
	f.Close()
	return func() { os.Remove(path) }, nil
}
