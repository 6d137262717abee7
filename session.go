package eos

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/edge-of-stability/eos/asm"
	"github.com/edge-of-stability/eos/data"
	"github.com/edge-of-stability/eos/flow"
	"github.com/edge-of-stability/eos/linalg"
	"github.com/edge-of-stability/eos/net"
	"github.com/edge-of-stability/eos/randproj"
	"github.com/edge-of-stability/eos/tensorfile"
	"github.com/klauspost/cpuid/v2"
)

// Version is the program version recorded in every config.json; release
// builds set it with -ldflags "-X github.com/edge-of-stability/eos.Version=…".
var Version = ""

// projectionSeed seeds the random projector of the iterates. It is fixed (as
// the reference's torch.manual_seed(7)) so that GD and flow runs share it.
const projectionSeed = 7

// session is everything a run holds: data, model, objectives and outputs.
type session[T linalg.Float] struct {
	cfg   Config
	dir   string
	split data.Split
	model *net.Model[T]
	theta []T
	grad  []T

	train, test *net.Objective[T]
	sharp       *sharpness[T]
	// memory says how the HVPs fit the memory budget; noticed is set once the user was told.
	memory  string
	noticed bool

	projector *randproj.Projector
	iterates  *tensorfile.NPYAppender
	projected []float64

	metrics, eigs *csvLog
	// eigProj writes eigproj.csv (nil without --eig-proj).
	eigProj *eigProjection[T]

	// resumed is the checkpoint the run goes on from (nil for a new run).
	resumed *checkpoint
	// start is when the run started (moved back by a resumed run's elapsed time); lastCheckpoint when the latest
	// checkpoint was written.
	start, lastCheckpoint time.Time
	// phases is where the run's time has gone so far.
	phases Phases
	// pendingLoss is the loss of the gradient held in grad for the next RK4 advance.
	pendingLoss float64
}

// open loads the data, builds and initialises the model (or restores it from
// the checkpoint of the run cfg.Resume names), creates the run directory and
// writes config.json. Bad settings fail before anything is written.
func open[T linalg.Float](cfg Config) (*session[T], error) {
	dataDir, err := data.Dir(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	split, err := data.Load(cfg.Dataset, dataDir, 0)
	if errors.Is(err, data.ErrUnknownDataset) {
		return nil, settingError{err}
	}
	if err != nil {
		return nil, err
	}
	train := split.Train
	if cfg.TestFreq > 0 && split.Test != nil && split.Test.N == 0 {
		return nil, settingError{fmt.Errorf("the test split of %s (%s) holds no examples: pass --test-freq 0 to train without test metrics",
			cfg.Dataset, split.Test.Source)}
	}
	if cfg.Loss == "ce" && train.Classes == 0 {
		return nil, settingError{fmt.Errorf("--loss ce needs a classification dataset; %s is a regression set (use --loss mse)", cfg.Dataset)}
	}
	arch, err := net.ParseArch(cfg.Arch, cfg.Widths, net.InputShape(train), train.Outputs, cfg.Init)
	if err != nil {
		return nil, settingError{err}
	}
	if cfg.PhysicalBatch == 0 {
		cfg.PhysicalBatch = defaultChunk
		if g := arch.DefaultGhostBatch(); g > 0 {
			cfg.PhysicalBatch = g
		}
	}
	if cfg.MaxMemory == 0 {
		cfg.MaxMemory = DefaultMaxMemory()
	}
	if cfg.Abridged > train.N {
		return nil, settingError{fmt.Errorf("--abridged %d: the training set has only %d examples", cfg.Abridged, train.N)}
	}
	s := &session[T]{cfg: cfg, dir: RunDir(cfg), split: split, model: net.NewModel[T](arch), start: time.Now()}
	s.theta = s.model.Params
	s.grad = make([]T, len(s.theta))
	if cfg.NEigs > len(s.theta) {
		return nil, settingError{fmt.Errorf("--neigs %d: the network has only %d parameters", cfg.NEigs, len(s.theta))}
	}
	if cfg.Resume != "" {
		if err := s.restore(); err != nil {
			return nil, err
		}
	} else if cfg.InitFrom != "" {
		if err := loadWeights(cfg.InitFrom, s.model, s.theta); err != nil {
			return nil, settingError{err}
		}
	} else {
		s.model.Initialize(cfg.Seed)
	}
	if s.train, err = net.NewObjective(s.model, train, cfg.Loss, cfg.PhysicalBatch, cfg.Threads); err != nil {
		return nil, fmt.Errorf("training objective: %w", err)
	}
	if cfg.TestFreq > 0 && split.Test != nil && split.Test.N > 0 {
		if s.test, err = net.NewObjective(s.model, split.Test, cfg.Loss, cfg.PhysicalBatch, cfg.Threads); err != nil {
			return nil, fmt.Errorf("test objective: %w", err)
		}
	}
	if cfg.NEigs > 0 {
		if s.sharp, err = newSharpness(s.model, train, s.train, cfg); err != nil {
			return nil, err
		}
		if s.resumed != nil {
			s.sharp.prev, s.sharp.older, s.sharp.solves = s.resumed.eigvecs, s.resumed.olderEigvecs, s.resumed.solves
		}
	}
	s.memory = s.planMemory()
	if cfg.Resume == "" {
		if err := checkInitFromKept(cfg, s.dir); err != nil {
			return nil, err
		}
		if err := prepareDir(s.dir, cfg.Overwrite); err != nil {
			return nil, err
		}
	}
	if cfg.NProj > 0 {
		s.projector = randproj.New(cfg.NProj, len(s.theta), projectionSeed)
		s.projected = make([]float64, cfg.NProj)
		path := filepath.Join(s.dir, "iterates.npy")
		if s.resumed != nil {
			s.iterates, err = tensorfile.OpenNPYAppender(path, cfg.NProj, s.resumed.iterateRows)
		} else {
			s.iterates, err = tensorfile.CreateNPYAppender(path, cfg.NProj)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := s.openEigProj(); err != nil {
		return nil, err
	}
	if cfg.Resume == "" {
		if err := writeJSON(filepath.Join(s.dir, "config.json"), s.record()); err != nil {
			return nil, err
		}
	}
	s.lastCheckpoint = time.Now()
	if err := writeStatus(s.dir, status{State: "running", Unit: s.unit()}); err != nil {
		return nil, err
	}
	return s, nil
}

// restore loads the checkpoint of the run directory cfg.Resume into the
// session, after checking that the data are the run's.
func (s *session[T]) restore() error {
	s.dir = s.cfg.Resume
	var rec configRecord
	if err := readJSON(filepath.Join(s.dir, "config.json"), &rec); err != nil {
		return settingError{fmt.Errorf("--resume: %w", err)}
	}
	if rec.DataChecksum != s.split.Train.Checksum {
		return settingError{fmt.Errorf("--resume %s: the training data differ from the run's (SHA-256 %s, config.json records %s)",
			s.dir, s.split.Train.Checksum, rec.DataChecksum)}
	}
	momentum := s.cfg.Opt == "polyak" || s.cfg.Opt == "nesterov"
	ck, err := readCheckpoint(s.dir, dtypeName[T](), len(s.theta), momentum)
	if err != nil {
		return err
	}
	fromFloat64(s.theta, ck.theta)
	s.resumed = &ck
	// A run killed while writing a file leaves the temporary file behind.
	for _, pattern := range []string{".*.tmp*", filepath.Join("eigvecs", ".*.tmp*")} {
		stale, _ := filepath.Glob(filepath.Join(s.dir, pattern))
		for _, f := range stale {
			if err := os.Remove(f); err != nil {
				return fmt.Errorf("removing a temporary file: %w", err)
			}
		}
	}
	s.start = time.Now().Add(-time.Duration(ck.elapsed * float64(time.Second)))
	return nil
}

// unit names the run's loop index: "step" (GD) or "tick" (flow).
func (s *session[T]) unit() string {
	if s.cfg.IsFlow() {
		return "tick"
	}
	return "step"
}

// pause runs at the top of the loop before index i (past the first): it
// writes a checkpoint when one is due or ctx is cancelled, and reports
// whether to stop. lambda, h and momentum are the loop's state.
func (s *session[T]) pause(ctx context.Context, i int, lambda, h float64, momentum []T) (bool, error) {
	c := s.cfg
	stop := ctx.Err() != nil
	due := stop || c.CheckpointEvery > 0 && i%c.CheckpointEvery == 0 ||
		c.CheckpointMinutes > 0 && time.Since(s.lastCheckpoint).Minutes() >= c.CheckpointMinutes
	if !due {
		return false, nil
	}
	ck := checkpoint{step: i, lambda: lambda, h: h, elapsed: s.elapsed(), theta: toFloat64(s.theta), momentum: toFloat64(momentum)}
	if s.sharp != nil {
		ck.solves, ck.eigvecs, ck.olderEigvecs = s.sharp.solves, s.sharp.prev, s.sharp.older
	}
	var err error
	if ck.metricsBytes, err = s.metrics.sync(); err != nil {
		return false, err
	}
	if ck.eigsBytes, err = s.eigs.sync(); err != nil {
		return false, err
	}
	if s.iterates != nil {
		ck.iterateRows = s.iterates.Rows() // flushed and synced at every append
	}
	if err := s.eigProjState(&ck); err != nil {
		return false, err
	}
	if err := writeCheckpoint(s.dir, dtypeName[T](), ck); err != nil {
		return false, err
	}
	s.lastCheckpoint = time.Now()
	return stop, nil
}

// configRecord is config.json: every setting plus what is needed to
// reproduce and interpret the run.
type configRecord struct {
	Config
	Kind           string  `json:"kind"`
	Threshold      float64 `json:"threshold"`
	NumParams      int     `json:"num_params"`
	TrainExamples  int     `json:"train_examples"`
	TestExamples   int     `json:"test_examples"`
	DataSource     string  `json:"data_source"`
	DataChecksum   string  `json:"data_checksum"`
	ProgramVersion string  `json:"program_version"`
	CPU            string  `json:"cpu"`
	CPUFeatures    string  `json:"cpu_features"`
	Kernel         string  `json:"kernel"`
	HVPMemory      string  `json:"hvp_linearization,omitempty"`
	ProjectionSeed int     `json:"projection_seed,omitempty"`
	Started        string  `json:"started"`
}

func (s *session[T]) record() configRecord {
	cfg := s.cfg
	r := configRecord{
		Config:         cfg,
		Kind:           "gd",
		NumParams:      len(s.theta),
		TrainExamples:  s.split.Train.N,
		DataSource:     s.split.Train.Source,
		DataChecksum:   s.split.Train.Checksum,
		ProgramVersion: ProgramVersion(),
		CPU:            cpuid.CPU.BrandName,
		CPUFeatures:    strings.Join(cpuid.CPU.FeatureSet(), " "),
		Kernel:         asm.Selected(),
		HVPMemory:      s.memory,
		Started:        s.start.UTC().Format(time.RFC3339),
	}
	if s.split.Test != nil {
		r.TestExamples = s.split.Test.N
	}
	if cfg.IsFlow() {
		r.Kind = "flow"
		r.Threshold = math.NaN()
	} else {
		r.Threshold = flow.Threshold(cfg.Opt, cfg.LR, cfg.Beta)
		// The flow-only settings mean nothing for GD: leave them out.
		r.Tick, r.MaxTime, r.Alpha, r.MaxStep = 0, 0, 0, 0
	}
	if math.IsNaN(r.Threshold) {
		r.Threshold = 0
	}
	if cfg.NProj > 0 {
		r.ProjectionSeed = projectionSeed
	}
	return r
}

// ProgramVersion is Version, or the module version or VCS revision Go recorded.
func ProgramVersion() string {
	if Version != "" {
		return Version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, kv := range info.Settings {
		if kv.Key == "vcs.revision" {
			return "devel-" + kv.Value
		}
	}
	return "devel"
}

// snapshot records the current weights when step i (a GD step or a flow
// tick, named by unit) is due: their random projection into iterates.npy
// every IterateFreq, the weights themselves every SaveFreq.
func (s *session[T]) snapshot(i int, unit string) error {
	if s.projector != nil && i%s.cfg.IterateFreq == 0 {
		randproj.Project(s.projector, s.theta, s.projected)
		if err := s.iterates.Append(s.projected); err != nil {
			return fmt.Errorf("writing iterates: %w", err)
		}
		if err := s.iterates.Flush(); err != nil {
			return fmt.Errorf("writing iterates: %w", err)
		}
	}
	if s.cfg.SaveFreq > 0 && i%s.cfg.SaveFreq == 0 {
		return s.saveWeights(fmt.Sprintf("weights_%s_%07d.safetensors", unit, i), s.meta(i))
	}
	return nil
}

// testMetrics evaluates the test set when due at index i (step or tick);
// otherwise it returns NaNs, which become empty cells.
func (s *session[T]) testMetrics(i int) net.Metrics {
	if s.test == nil || i%s.cfg.TestFreq != 0 {
		return net.Metrics{Loss: math.NaN(), Acc: math.NaN()}
	}
	var m net.Metrics
	timed(&s.phases.Test, func() { m = s.test.Eval(s.theta) })
	return m
}

// grad1 is the training pass at the current weights into s.grad, timed.
func (s *session[T]) grad1() net.Metrics { return s.gradAt(s.theta, s.grad) }

// gradAt is the training pass at theta into grad, timed.
func (s *session[T]) gradAt(theta, grad []T) net.Metrics {
	var m net.Metrics
	timed(&s.phases.GD, func() { m = s.train.Grad(theta, grad) })
	s.phases.GDPasses++
	return m
}

// finite reports whether the loss and the gradient are free of NaN and Inf.
func (s *session[T]) finite(loss float64) bool {
	g := float64(linalg.Dot(s.grad, s.grad))
	return !math.IsNaN(loss) && !math.IsInf(loss, 0) && !math.IsNaN(g) && !math.IsInf(g, 0)
}

// saveWeights writes the current weights to name in the run directory.
func (s *session[T]) saveWeights(name string, meta map[string]string) error {
	return saveWeights(filepath.Join(s.dir, name), s.model, s.theta, meta)
}

// elapsed is the wall time since the run started, in seconds.
func (s *session[T]) elapsed() float64 { return time.Since(s.start).Seconds() }

// close closes the logs and the iterate file.
func (s *session[T]) close() error {
	err := errors.Join(s.metrics.close(), s.eigs.close(), s.closeEigProj())
	if s.iterates != nil {
		err = errors.Join(err, s.iterates.Close())
	}
	return err
}

// LoadConfig reads the settings of the run in dir from its config.json, and
// the kernel level it ran with.
func LoadConfig(dir string) (Config, string, error) {
	var rec configRecord
	if err := readJSON(filepath.Join(dir, "config.json"), &rec); err != nil {
		return Config{}, "", err
	}
	return rec.Config, rec.Kernel, nil
}

// notice is the run's one-time message to the user: how its HVPs fit the
// memory budget, the first time it is asked for, and "" after.
func (s *session[T]) notice() string {
	if s.noticed || s.memory == "" {
		return ""
	}
	s.noticed = true
	return "HVP linearisation " + s.memory
}
