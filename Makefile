# Tidings — build, run and test.
#
#   make run     install what is missing, build release, ingest the bundled demo once
#   make serve   the same, then keep tidingsd running on the demo until Ctrl-C
#   make test    install what is missing, build, run every test
#   make bench   benchmarks against the peers, side by side (needs PyPI for the peers)
#   make torture tidingsd killed with SIGKILL 100 times while it ingests a feed farm, checked after every kill
#   make fuzz    libFuzzer on the feed parser, HTML extractor, config loader and date parser (FUZZ_SECONDS each)
#   make sanitize every test under AddressSanitizer, then under ThreadSanitizer
#   make install release binaries, systemd unit, sysusers/tmpfiles snippets, man pages, shell completions, /etc/tidings/tidings.toml
#                (PREFIX=/usr/local, DESTDIR honoured; the config only if absent); make uninstall
#
# Needs Swift 6 on PATH; Debian packages are installed with apt-get (as root,
# else through sudo) only when missing, with service starts forbidden during
# the install (policy-rc.d), so that installing nginx starts no server.

SWIFT        ?= swift
DEMO_CONFIG  := config/demo.toml
DEMO_DB      := .tidings-demo/tidings.db
RELEASE_BIN  := .build/release
APT_PACKAGES := libcurl4-openssl-dev libxml2-dev libsqlite3-dev libjemalloc-dev pkg-config python3 python3-venv ca-certificates
# nginx serves feeds to the tests (ETag, gzip); any Debian flavour of it will do.
NGINX_PACKAGE := nginx-light

BENCH_DIR    := .bench
BENCH_VENV   := $(BENCH_DIR)/venv
# How long the soak of `make bench` runs (feeds move on every second: hours of publishing a minute).
SOAK_SECONDS ?= 1800
BENCH_FEED   := $(BENCH_DIR)/feed-25000-items.xml
BENCH_CORPUS := $(BENCH_DIR)/corpus-100k
BENCH_PAGES  := $(BENCH_DIR)/pages-1000
SHARED       := ../shared

.PHONY: all deps build release run serve test test-venv torture fuzz sanitize install uninstall bench bench-deps clean

all: build

## Install the Debian packages the build and the tests need, if any is missing.
deps:
	@command -v $(SWIFT) >/dev/null 2>&1 || { \
	  echo "error: '$(SWIFT)' not found; install Swift 6 (https://www.swift.org/install/linux/) and put it on PATH" >&2; exit 1; }
	@missing=""; \
	for package in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	[ -x /usr/sbin/nginx ] || missing="$$missing $(NGINX_PACKAGE)"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  guard=""; \
	  if [ ! -e /usr/sbin/policy-rc.d ]; then \
	    printf '#!/bin/sh\nexit 101\n' | $$sudo tee /usr/sbin/policy-rc.d >/dev/null && $$sudo chmod +x /usr/sbin/policy-rc.d && guard=1; \
	  fi; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	  status=$$?; \
	  if [ -n "$$guard" ]; then $$sudo rm -f /usr/sbin/policy-rc.d; fi; \
	  exit $$status; \
	fi

build: deps
	$(SWIFT) build

## Release binaries carry the Swift runtime and Foundation (linked statically): they run on a server
## without a Swift toolchain, and a `tidings` command starts in ~9 ms instead of ~16 (with libcurl opened lazily, see CCurl.h).
RELEASE_FLAGS := -c release --static-swift-stdlib
release: deps
	$(SWIFT) build $(RELEASE_FLAGS)
	$(SWIFT) build $(RELEASE_FLAGS) --product generate-manual

## Ingest the demo feeds once and show where to look.
run: release
	@mkdir -p .tidings-demo
	$(RELEASE_BIN)/tidingsd --config $(DEMO_CONFIG) --once
	@echo
	@echo "The demo is in $(DEMO_DB). Look at it with:"
	@echo "  $(RELEASE_BIN)/tidings --db $(DEMO_DB) sources"
	@echo "  $(RELEASE_BIN)/tidings --db $(DEMO_DB) articles"
	@echo "  $(RELEASE_BIN)/tidings --db $(DEMO_DB) articles --json"
	@echo "  $(RELEASE_BIN)/tidings --db $(DEMO_DB) show 3"
	@echo "  $(RELEASE_BIN)/tidings --db $(DEMO_DB) changes"
	@echo "  $(RELEASE_BIN)/tidings --db $(DEMO_DB) stats"
	@echo "Run 'make serve' to keep the daemon running on the demo (Ctrl-C stops it)."

## Run the daemon on the demo in the foreground until Ctrl-C.
serve: release
	@mkdir -p .tidings-demo
	$(RELEASE_BIN)/tidingsd --config $(DEMO_CONFIG)

## Every test: the feed-parser conformance suite (pass rate printed, fails
## under 95%), unit tests, and end-to-end tests that drive the built binaries
## against HTTP servers they start on 127.0.0.1.
## The tests' own Python packages (PyPI), in a virtual environment: prometheus_client's parser
## reads the daemon's metrics file.
TEST_VENV := .build/test-venv
test-venv: deps
	@test -x $(TEST_VENV)/bin/python || python3 -m venv $(TEST_VENV)
	@$(TEST_VENV)/bin/python -c "import prometheus_client" 2>/dev/null || \
	  $(TEST_VENV)/bin/pip install --quiet prometheus_client

## The tests also boot the installed unit under a real systemd, in a container (systemd-nspawn).
test: APT_PACKAGES += systemd-container
test: deps test-venv
	$(SWIFT) build --build-tests
	$(SWIFT) build --product generate-manual
	Tests/Conformance/run-conformance.sh .build/debug/tidings
	$(SWIFT) test --skip-build

PREFIX       ?= /usr/local
DESTDIR      ?=
BINDIR       := $(PREFIX)/bin
UNITDIR      := $(PREFIX)/lib/systemd/system
SYSUSERSDIR  := $(PREFIX)/lib/sysusers.d
TMPFILESDIR  := $(PREFIX)/lib/tmpfiles.d
DOCDIR       := $(PREFIX)/share/doc/tidings
MANDIR       := $(PREFIX)/share/man
BASHCOMPDIR  := $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR   := $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR  := $(PREFIX)/share/fish/vendor_completions.d
# The binaries to install; NO_BUILD=1 installs what INSTALL_FROM holds without building.
INSTALL_FROM ?= $(RELEASE_BIN)
# swift-argument-parser's man page generator (built with the binaries) and the date the pages carry.
MANUAL_TOOL  ?= $(INSTALL_FROM)/generate-manual
MAN_DATE     := $(shell git log -1 --format=%cs 2>/dev/null || date +%F)

## Install as a system service. On a machine run by systemd (and no DESTDIR) it also
## creates the user and directories and reloads systemd; enabling is left to you.
install: $(if $(NO_BUILD),,release)
	install -Dm755 $(INSTALL_FROM)/tidingsd $(DESTDIR)$(BINDIR)/tidingsd
	install -Dm755 $(INSTALL_FROM)/tidings $(DESTDIR)$(BINDIR)/tidings
	@mkdir -p $(DESTDIR)$(UNITDIR)
	sed -e 's#/usr/local/bin/#$(BINDIR)/#g' -e 's#/usr/local/share/doc/tidings#$(DOCDIR)#g' \
	  systemd/tidingsd.service > $(DESTDIR)$(UNITDIR)/tidingsd.service
	chmod 644 $(DESTDIR)$(UNITDIR)/tidingsd.service
	install -Dm644 systemd/tidings.sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/tidings.conf
	install -Dm644 systemd/tidings.tmpfiles.conf $(DESTDIR)$(TMPFILESDIR)/tidings.conf
	install -Dm644 README.md $(DESTDIR)$(DOCDIR)/README.md
	@# Man pages and shell completions come from the command definitions themselves.
	@mkdir -p $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	for tool in tidings tidingsd; do \
	  $(MANUAL_TOOL) $(INSTALL_FROM)/$$tool --date $(MAN_DATE) --authors "Tidings developers" -o $(DESTDIR)$(MANDIR)/man1 && \
	  $(INSTALL_FROM)/$$tool --generate-completion-script bash > $(DESTDIR)$(BASHCOMPDIR)/$$tool && \
	  $(INSTALL_FROM)/$$tool --generate-completion-script zsh > $(DESTDIR)$(ZSHCOMPDIR)/_$$tool && \
	  $(INSTALL_FROM)/$$tool --generate-completion-script fish > $(DESTDIR)$(FISHCOMPDIR)/$$tool.fish || exit 1; \
	done
	@if [ -e $(DESTDIR)/etc/tidings/tidings.toml ]; then \
	  echo "kept $(DESTDIR)/etc/tidings/tidings.toml (the shipped reference is $(DESTDIR)$(DOCDIR)/tidings.toml)"; \
	else install -Dm644 config/tidings.toml $(DESTDIR)/etc/tidings/tidings.toml; fi
	install -Dm644 config/tidings.toml $(DESTDIR)$(DOCDIR)/tidings.toml
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then \
	  systemd-sysusers $(SYSUSERSDIR)/tidings.conf && systemd-tmpfiles --create $(TMPFILESDIR)/tidings.conf && \
	  systemctl daemon-reload && echo "installed; start with: systemctl enable --now tidingsd"; fi

## Remove what `make install` put in place; the config in /etc/tidings and the
## data in /var/lib/tidings stay (delete them by hand if you mean it).
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tidingsd $(DESTDIR)$(BINDIR)/tidings $(DESTDIR)$(UNITDIR)/tidingsd.service \
	  $(DESTDIR)$(SYSUSERSDIR)/tidings.conf $(DESTDIR)$(TMPFILESDIR)/tidings.conf
	rm -rf $(DESTDIR)$(DOCDIR)
	for tool in tidings tidingsd; do \
	  rm -f $(DESTDIR)$(MANDIR)/man1/$$tool.1 $(DESTDIR)$(BASHCOMPDIR)/$$tool $(DESTDIR)$(ZSHCOMPDIR)/_$$tool \
	    $(DESTDIR)$(FISHCOMPDIR)/$$tool.fish; \
	done
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	@echo "kept /etc/tidings and /var/lib/tidings"

## The crash torture test with many more kills than `make test` runs (12).
torture: deps
	$(SWIFT) build --build-tests
	TIDINGS_TORTURE_KILLS=100 $(SWIFT) test --skip-build --filter KillTorture

## libFuzzer targets (Sources/tidings-fuzz) under AddressSanitizer, FUZZ_SECONDS each;
## the corpus grows in .fuzz/, findings land in .fuzz/findings/ and fail the run.
FUZZ_SECONDS ?= 300
fuzz: deps
	SWIFT=$(SWIFT) Tests/Fuzz/run-fuzz.sh $(FUZZ_SECONDS)

## Every test (unit and end-to-end, with sanitized binaries) under AddressSanitizer, then
## ThreadSanitizer; each in a build folder of its own, so the normal build stays as it is.
## LeakSanitizer is on; Tests/Sanitizers/lsan.supp names the third-party leaks it ignores.
sanitize: deps
	$(SWIFT) build --build-tests --sanitize=address --build-path .build/asan
	$(SWIFT) build --product generate-manual --sanitize=address --build-path .build/asan
	ASAN_OPTIONS=quarantine_size_mb=32 LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/Sanitizers/lsan.supp:print_suppressions=0 \
	  $(SWIFT) test --skip-build --sanitize=address --build-path .build/asan
	$(SWIFT) build --build-tests --sanitize=thread --build-path .build/tsan
	$(SWIFT) build --product generate-manual --sanitize=thread --build-path .build/tsan
	@# In-process tests under TSan; the end-to-end tests drive the TSan-built binaries from the
	@# plain test runner (TSan's fork handling crashes a TSan test process that spawns hundreds
	@# of children). A report makes a binary exit 66, which fails its test.
	$(SWIFT) test --skip-build --sanitize=thread --build-path .build/tsan --filter TidingsCoreTests
	$(SWIFT) build --build-tests
	TIDINGS_BIN_DIR=$(CURDIR)/.build/tsan/debug $(SWIFT) test --skip-build --filter TidingsEndToEndTests

## The Python peers run from a virtual environment the bench creates (PyPI);
## newsboat (the ingest peer) comes from Debian.
bench-deps: deps
	@missing=""; \
	  dpkg-query -W -f='$${Status}' python3-venv 2>/dev/null | grep -q "install ok installed" || \
	    python3 -c "import ensurepip" 2>/dev/null || missing="$$missing python3-venv"; \
	  command -v newsboat >/dev/null || missing="$$missing newsboat"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	    $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	  fi
	@test -x $(BENCH_VENV)/bin/python || python3 -m venv $(BENCH_VENV)
	@$(BENCH_VENV)/bin/python -c "import feedparser, fastfeedparser, datasketch, xxhash, trafilatura" 2>/dev/null || \
	  $(BENCH_VENV)/bin/pip install --quiet feedparser fastfeedparser datasketch xxhash trafilatura lxml_html_clean

## Benchmarks, peers side by side on the same input in the same run.
bench: release bench-deps
	@test -f $(BENCH_FEED) || python3 bench/gen_large_feed.py $(BENCH_FEED) --items 25000
	$(BENCH_VENV)/bin/python bench/parse_bench.py --tidings $(RELEASE_BIN)/tidings --feed $(BENCH_FEED) --runs 5
	@test -f $(BENCH_CORPUS).jsonl || python3 $(SHARED)/bench/gen_corpus.py --docs 100000 --seed 1 --out $(BENCH_CORPUS)
	$(BENCH_VENV)/bin/python bench/dedup_bench.py --tidings $(RELEASE_BIN)/tidings --corpus $(BENCH_CORPUS) \
	  --scorer $(SHARED)/bench/score_dedup.py --work $(BENCH_DIR)
	@test -f $(BENCH_PAGES)/truth.jsonl || { python3 $(SHARED)/bench/gen_corpus.py --docs 4000 --seed 11 --out $(BENCH_PAGES)-corpus && \
	  python3 $(SHARED)/bench/gen_pages.py --corpus $(BENCH_PAGES)-corpus.jsonl --pages 1000 --seed 5 --out $(BENCH_PAGES); }
	$(BENCH_VENV)/bin/python bench/extract_bench.py --tidings $(RELEASE_BIN)/tidings --pages $(BENCH_PAGES) \
	  --scorer $(SHARED)/bench/score_extract.py --runs 3
	python3 bench/story_bench.py --tidings $(RELEASE_BIN)/tidings --tidingsd $(RELEASE_BIN)/tidingsd \
	  --corpus $(BENCH_CORPUS) --articles 10000 --runs 3 --work $(BENCH_DIR)/stories
	python3 bench/ingest_bench.py --tidingsd $(RELEASE_BIN)/tidingsd --sizes 10000,1000000 --work $(BENCH_DIR)/ingest
	python3 bench/farm_bench.py --tidingsd $(RELEASE_BIN)/tidingsd --work $(BENCH_DIR)/farm
	python3 bench/cli_bench.py --tidings $(RELEASE_BIN)/tidings --tidingsd $(RELEASE_BIN)/tidingsd --work $(BENCH_DIR)/cli
	python3 bench/soak_bench.py --tidingsd $(RELEASE_BIN)/tidingsd --work $(BENCH_DIR)/soak --seconds $(SOAK_SECONDS)

clean:
	rm -rf .build .tidings-demo $(BENCH_DIR)
