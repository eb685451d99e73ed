# Thin forwarding Makefile: every target hands off to a script under scripts/ (or meson).
# See README.md; the two commands a user needs are `make run` and `make test`.
.PHONY: all deps build run run-pg test bench fuzz format lint clean

all: build

deps:
	@scripts/deps.sh build

build:
	@scripts/build.sh

run:
	@scripts/run.sh

# the same on a local PostgreSQL cluster in var/pg (issue 14, in progress)
run-pg:
	@scripts/run_pg.sh

test:
	@scripts/test.sh

bench:
	@bench/run.sh

fuzz:
	@scripts/fuzz.sh

format:
	@clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'fuzz/*.c' 'bench/*.c')

clean:
	rm -rf build build-asan build-fuzz
