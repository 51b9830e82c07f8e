# owr-import build, test, demo, bench and release targets.
# A fresh clone needs only Go and make: `make demo` and `make test`.

BINARY  := owr-import
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo none)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
GO      ?= go

.PHONY: build test demo bench dist fuzz clean

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

dist:
	bash scripts/dist.sh "$(VERSION)" "$(COMMIT)" "$(DATE)"

clean:
	rm -rf $(BINARY) dist demo-out bench-out
