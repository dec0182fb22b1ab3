# s54 — see README.md. Targets: run, test, bench, eval, lint, build.
GO      ?= go
CORPUS  ?= ../shared/corpus
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
BIN     := bin/s54
# staticcheck 2026.2.2, pinned: go run fetches it through the module proxy
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run test bench eval lint build

build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/s54

# The whole product on a bundled sample web: crawl, check, index, report, and
# the web interface at http://127.0.0.1:8080 (Ctrl-C stops; data in ./s54-demo).
run: build
	./$(BIN) demo

test:
	$(GO) test -race -count=1 ./...

# Figures the issues ask for: checker speed on one core, PDF extraction
# against poppler's pdftotext over the corpus PDFs, a crawl of a generated
# loopback web of 1,000 sites, the search index at 10,000 and 100,000
# statements, the register's pages and API at 20,000 organisations, and
# the other benchmarks.
bench: build
	$(GO) test -run '^$$' -bench . -benchmem -cpu 1 ./checker/
	$(GO) test -run '^$$' -bench . -benchmem ./extract/
	$(GO) test -run '^$$' -bench . -benchtime 5x ./store/
	$(GO) test -run '^$$' -bench Register20k -benchtime 300x ./web/
	$(GO) test -run '^$$' -bench Crawl -benchtime 3x ./pipeline/
	$(GO) test -run '^$$' -bench Discovery -benchtime 1x ./crawler/
	$(GO) run ./tools/indexbench -n 10000 -web -corpus $(CORPUS)
	$(GO) run ./tools/indexbench -n 100000 -runs 5 -corpus $(CORPUS)
	$(GO) run ./tools/pdfbench -s54 $(BIN) -dir $(CORPUS)/pdf
	$(GO) run ./tools/templatebench -n 100000 -corpus $(CORPUS)

# Accuracy against the labelled real statements (skips when absent).
eval:
	$(GO) run ./tools/eval -corpus $(CORPUS)

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
