# owr-import build, test, demo, bench and release targets.
# A fresh clone needs only Go and make: `make demo` and `make test`.

# VERSION is the release tag (v0.3.0), or the last one with the commits since
# and the commit (v0.3.0-4-gabc1234), "-dirty" when files were changed but
# not committed, "dev" before the first tag. Tags that are not versions
# (v and a digit) do not count.
BINARY  := owr-import
VERSION ?= $(shell git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo none)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
GO      ?= go

.PHONY: build test demo bench dist fuzz clean version

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BINARY) .

test:
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 9m ./...

demo: build
	bash scripts/demo.sh ./$(BINARY)

bench: build
	bash scripts/bench.sh ./$(BINARY)

fuzz:
	bash scripts/fuzz.sh

# Archives per platform and SHA256SUMS in dist/ (scripts/dist.sh says what
# they hold).
dist:
	GO="$(GO)" bash scripts/dist.sh "$(VERSION)" "$(COMMIT)" "$(DATE)"

# The version `make build` and `make dist` stamp.
version:
	@echo $(VERSION)

clean:
	rm -rf $(BINARY) dist demo-out bench-out
