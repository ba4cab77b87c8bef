# oci-runtime — build, test, bench.
# `make` leaves exactly one shipped file: bin/oci-runtime (NativeAOT, the C helper linked in).

DOTNET      ?= dotnet
CONFIG      ?= Release
RID         ?= linux-x64
PUBLISH_DIR := build/publish
BIN         := bin/oci-runtime
PREFIX      ?= /usr/local
SOURCES     := $(shell find Runtime Spec Native Seccomp Cgroups -type f \( -name '*.cs' -o -name '*.c' -o -name '*.h' -o -name '*.csproj' -o -name '*.targets' -o -name '*.txt' \) -not -path '*/obj/*' -not -path '*/bin/*') nativeaot.props Directory.Build.props

WEAK_BIN    := build/weak/oci-runtime
FLOOR_BIN   := build/bench/floor/oci-floor
WEAKENINGS  := conformance/Security/weakenings.txt

.PHONY: all test unit conformance stress faults bench bench-quick demo install clean weak validation

all: $(BIN)

$(BIN): $(SOURCES)
	$(DOTNET) publish Runtime/Oci.Runtime.csproj -c $(CONFIG) -r $(RID) -o $(PUBLISH_DIR) -nologo -v quiet
	@mkdir -p bin
	cp $(PUBLISH_DIR)/oci-runtime $(BIN).tmp && mv -f $(BIN).tmp $(BIN)   # rename: a running copy keeps its inode
	@echo "built $(BIN) ($$(stat -c %s $(BIN)) bytes)"

# Test-only weak build: every OCI_WEAKEN_* symbol of $(WEAKENINGS) defined (each switches off one
# protection), so conformance/Security can show each attack test is able to fail. Own obj/weak and
# bin/weak dirs (Directory.Build.props); never installed, never copied to bin/.
weak: $(WEAK_BIN)

$(WEAK_BIN): $(SOURCES) $(WEAKENINGS)
	$(DOTNET) publish Runtime/Oci.Runtime.csproj -c $(CONFIG) -r $(RID) -p:OciWeaken=true -o build/weak/publish -nologo -v quiet
	cp build/weak/publish/oci-runtime $(WEAK_BIN)
	@echo "built $(WEAK_BIN) (test only: protections in $(WEAKENINGS) switched off)"

# Unit tests, then end-to-end conformance tests against the built binary (as root).
# The last line is "N passed, N failed, N skipped", counted from the TRX results.
test: $(BIN)
	scripts/run-tests.sh

unit:
	scripts/run-tests.sh --unit-only

# Conformance suite against another runtime, e.g. `make conformance RUNTIME=/usr/sbin/runc`.
RUNTIME ?= $(abspath $(BIN))
conformance: $(BIN)
	OCI_RUNTIME=$(RUNTIME) scripts/run-tests.sh --conformance-only

# The OCI runtime-tools validation suite (../shared/runtime-tools, built once into build/rtools)
# against $(RUNTIME), judged against conformance/validation/expected.txt; last line "N passed, N failed".
validation: $(BIN)
	scripts/validation.sh $(RUNTIME)

# Kills create/start/exec/delete/run at random moments, 200 times each, and counts what
# `delete --force` leaves behind (make test runs 30 of each). OCI_FAULT_SEED=N replays a run.
faults: $(BIN)
	OCI_FAULT_TRIALS=$${OCI_FAULT_TRIALS:-200} scripts/run-tests.sh --conformance-only --filter "FullyQualifiedName~FaultInjection"

stress: $(BIN)
	OCI_STRESS_COUNT=$${OCI_STRESS_COUNT:-500} scripts/run-tests.sh --conformance-only --filter "Category=Stress"

# Config fuzzing of the real binary (conformance/Fuzz): FUZZ_COUNT cases (default 5000) from FUZZ_SEED
# (default: a new one); `make test` runs 300 of one fixed seed (reproducible CI). Count and seed are printed; failing configs are saved in
# build/fuzz-failures/<seed>-<index>/ and replay with FUZZ_REPLAY=build/fuzz-failures/<seed>-<index> make fuzz.
# RUNTIME=/usr/sbin/runc fuzzes the oracle instead.
.PHONY: fuzz
fuzz: $(BIN)
	@mkdir -p build && rm -f build/fuzz-report.txt
	@FUZZ_COUNT=$${FUZZ_COUNT:-5000} OCI_RUNTIME=$(RUNTIME) $(DOTNET) test conformance/Oci.Conformance.csproj -nologo \
	  --filter "FullyQualifiedName~OciRuntime.Conformance.Fuzz.ConfigFuzzTests" >build/fuzz-dotnet.log 2>&1; \
	  status=$$?; if [ -f build/fuzz-report.txt ]; then tail -n +2 build/fuzz-report.txt | grep -v '^[^ ]* create='; \
	  else tail -30 build/fuzz-dotnet.log; fi; echo "per-case lines: build/fuzz-report.txt, dotnet output: build/fuzz-dotnet.log"; exit $$status

# oci-runtime, runc and crun interleaved (bench/README.md); the full run is manual (a few minutes,
# plus a qemu guest for the 512 KiB memory.max check). bench-quick: 10 iterations, ratios only,
# never fails on them (make test runs it).
bench: $(BIN) $(WEAK_BIN) $(FLOOR_BIN)
	bench/run.sh

bench-quick: $(BIN) $(FLOOR_BIN)
	BENCH_QUICK=1 bench/run.sh

# The bench's floor rows: an empty program with nativeaot.props' settings (bench/floor), built once.
$(FLOOR_BIN): bench/floor/Program.cs bench/floor/Floor.csproj nativeaot.props Directory.Build.props
	$(DOTNET) publish bench/floor/Floor.csproj -c $(CONFIG) -r $(RID) -o build/bench/floor -nologo -v quiet

# Rewrites Runtime/method-order.txt (ILC's method layout: the short commands' code first, so each
# command touches few 64 KiB windows of code) from perf profiles of bin/oci-runtime; then `make`.
.PHONY: method-order
method-order: $(BIN)
	bench/method-order.sh

demo: $(BIN)
	scripts/demo.sh

# Real clients (containerd/ctr, podman+conmon, dockerd) driving runc, then bin/oci-runtime (as root;
# packages in conformance/clients/packages.txt). Last line "N passed, N failed, N skipped".
.PHONY: clients
clients: $(BIN)
	conformance/clients/run-all.sh runc $(abspath $(BIN))

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/sbin/oci-runtime

clean:
	rm -rf bin build
	find . -name obj -o -name bin -type d -prune | xargs rm -rf
