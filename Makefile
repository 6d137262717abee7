# eos — build, test and benchmark targets. `make help` lists them.
GO      ?= go
BIN     ?= eos
PKGS    ?= ./...
# Packages with architecture-specific kernels, tested under qemu for arm64.
ARCHPKGS = ./asm/ ./linalg/
# CIFAR-10 for the tests and benchmarks that need it (skipped with a message where absent).
EOS_DATA ?= $(abspath ../shared/data)
export EOS_DATA

.PHONY: help build build-amd64 build-arm64 run test test-native test-purego test-arm64 test-slow bench bench-gemm lint

help:
	@echo "build        static binary ./$(BIN) for this machine (CGO_ENABLED=0)"
	@echo "build-amd64  static linux/amd64 binary bin/eos-linux-amd64"
	@echo "build-arm64  static linux/arm64 binary bin/eos-linux-arm64"
	@echo "run          build, then run the default experiment on the embedded dataset"
	@echo "test         the test suite: native, -tags purego, and linux/arm64 under qemu when installed"
	@echo "test-slow    the slower checks (build tag slow): CIFAR-10 edge-of-stability runs"
	@echo "bench        the benchmarks (GEMM, GD step, HVP, eigen-solver, RK4)"
	@echo "lint         gofmt and go vet"

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/eos

build-amd64:
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 $(GO) build -trimpath -o bin/eos-linux-amd64 ./cmd/eos

build-arm64:
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -trimpath -o bin/eos-linux-arm64 ./cmd/eos

run: build
	./$(BIN) run --overwrite --plot

test: test-native test-purego test-arm64

test-native:
	$(GO) test -count=1 $(PKGS)

# The pure-Go kernels are ~10x slower: -short skips the long edge-of-stability runs.
test-purego:
	$(GO) test -count=1 -short -tags purego $(PKGS)

test-arm64:
	@if command -v qemu-aarch64-static >/dev/null 2>&1; then \
		echo "GOARCH=arm64 go test $(ARCHPKGS) (under qemu-aarch64-static)"; \
		CGO_ENABLED=0 GOARCH=arm64 $(GO) test -count=1 -short -exec qemu-aarch64-static $(ARCHPKGS); \
	else \
		echo "NOTE: qemu-aarch64-static not installed: arm64 kernel tests NOT run (apt-get install qemu-user-static)"; \
	fi

test-slow:
	$(GO) test -count=1 -tags slow -timeout 60m $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2x $(PKGS)

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet $(PKGS)
