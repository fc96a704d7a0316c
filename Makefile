# A static ftpsdiag (no cgo, so no libc to match on the target machine),
# with file paths and debug information left out, and the man page and
# completion scripts generated from it.

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0-dev)

ftpsdiag:
	CGO_ENABLED=0 go build -trimpath -ldflags='-s -w -X main.version=$(VERSION)' -o $@ .

docs: ftpsdiag
	mkdir -p dist/completions
	./ftpsdiag man > dist/ftpsdiag.1
	./ftpsdiag completion bash > dist/completions/ftpsdiag
	./ftpsdiag completion zsh > dist/completions/_ftpsdiag
	./ftpsdiag completion fish > dist/completions/ftpsdiag.fish

test: # the README's test command, as CI runs it (as root)
	bash .ci/run

clean:
	rm -rf ftpsdiag dist

.PHONY: ftpsdiag docs test clean
