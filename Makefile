# Folio — make run: set up and start the window; make test: set up and run every test.
# Both install the Debian/Ubuntu packages Fyne's cgo build needs (and poppler-utils for the PDF tests,
# epubcheck for the EPUB tests) when they are missing, using sudo when not root.

APT_PACKAGES := gcc pkg-config libgl1-mesa-dev xorg-dev libxkbcommon-dev poppler-utils epubcheck
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
GO ?= go
FUZZTIME ?= 10s
# Minimising every new interesting input (60 s each by default) stalls a short pass over a slow
# target such as reader.Extract: 9 executions in 30 s instead of thousands. Crashers are kept
# unminimised; a local run can set FUZZMINIMIZE=60s.
FUZZMINIMIZE ?= 0

HUB_DIR := testdata/hub

.PHONY: run build test deps testhub bench fuzz package clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# The sync tests' hub: PouchDB Server's engine, from npm (package-lock.json),
# started by the replica tests themselves on a free loopback port. Node comes
# from Debian when it is missing (nodesource's nodejs carries its own npm).
testhub:
	@command -v node >/dev/null && command -v npm >/dev/null || { \
		echo "installing: nodejs npm"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm; }
	@[ -d $(HUB_DIR)/node_modules/express-pouchdb ] || (cd $(HUB_DIR) && npm ci --no-audit --no-fund --silent)

build: deps
	$(GO) build -o folio ./cmd/folio

run: build
	./folio

test: deps testhub
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 30m ./...

bench: deps testhub
	$(GO) test -run '^$$' -bench . -benchmem ./...

# A short fuzzing pass over each parser fuzz target (CI runs it too).
fuzz: deps
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) $$pkg || exit 1; \
		done; \
	done

# fyne package reads FyneApp.toml from the source folder and resolves the icon from there: lend
# cmd/folio the root FyneApp.toml with the icon path adjusted, then bring back the build number it bumps.
FYNE := $(GO) run fyne.io/tools/cmd/fyne@v1.7.4
package: deps
	sed 's#^\( *Icon = "\)#\1../../#' FyneApp.toml > cmd/folio/FyneApp.toml
	$(FYNE) package --os linux --src cmd/folio --release; rc=$$?; \
	sed 's#^\( *Icon = "\)../../#\1#' cmd/folio/FyneApp.toml > FyneApp.toml; \
	rm -f cmd/folio/FyneApp.toml; exit $$rc

clean:
	rm -f folio
