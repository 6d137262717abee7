package eos

import (
	"strings"
	"testing"
)

// TestPlanMemoryModes checks which way a run's HVPs go for its budget: the
// cache when it fits, recomputation chunk by chunk when it does not, and the
// cache over the budget when one chunk covers the examples (its tape would
// be as large as the cache, for an abridged set with its own objective);
// and that a run over its budget runs its chunks one at a time.
func TestPlanMemoryModes(t *testing.T) {
	for _, c := range []struct {
		name      string
		maxMemory int64
		chunk     int // 0: the abridged set in one chunk
		cached    bool
		workers   int
		says      string
	}{
		{"fits", 1 << 40, 10, true, 2, "within --max-memory"},
		{"too small", 1, 10, false, 1, "recomputed per chunk"},
		{"one chunk", 1, 0, true, 1, "but recomputing would hold"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := quickConfig(t)
			cfg.MaxMemory, cfg.PhysicalBatch = c.maxMemory, c.chunk
			if c.chunk == 0 {
				cfg.PhysicalBatch, cfg.Abridged = 1<<20, 100
			}
			s, err := open[float32](cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer s.close()
			if got := s.sharp.obj.CachesLinearization(); got != c.cached {
				t.Errorf("caches the linearisation: %v, want %v (%s)", got, c.cached, s.memory)
			}
			if got := s.train.Workers(); got != c.workers {
				t.Errorf("%d chunk workers, want %d (%s)", got, c.workers, s.memory)
			}
			if !strings.Contains(s.memory, c.says) {
				t.Errorf("memory plan %q does not say %q", s.memory, c.says)
			}
			if one := strings.Contains(s.memory, "chunks one at a time"); one != (c.workers == 1 && c.chunk > 0) {
				t.Errorf("memory plan %q: says chunks run one at a time %v, want %v", s.memory, one, !one)
			}
		})
	}
}
