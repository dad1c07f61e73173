PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# System packages the tests use, as Debian package:command pairs (the command tells whether the
# package is there).  `make test` installs the missing ones with apt-get when run as root;
# otherwise it prints one line naming them, and the tests that need them are skipped.
# Add a pair here when a test needs another one (tesseract-ocr:tesseract, libreoffice:soffice, ...).
# A pair may name a file instead of a command (a language model of Tesseract).  OCR's packages
# (pipeline/ocr.py) and LibreOffice's Writer (pipeline/extract/convert.py) are installed by
# `make extract` too; without them scanned PDFs stay refused, .doc, .rtf and .odt files unread.
TESSDATA := /usr/share/tesseract-ocr/*/tessdata
OCR_SYSTEM_PACKAGES := tesseract-ocr:tesseract tesseract-ocr-osd:$(TESSDATA)/osd.traineddata \
	tesseract-ocr-rus:$(TESSDATA)/rus.traineddata tesseract-ocr-kaz:$(TESSDATA)/kaz.traineddata \
	tesseract-ocr-kir:$(TESSDATA)/kir.traineddata tesseract-ocr-uzb:$(TESSDATA)/uzb.traineddata \
	tesseract-ocr-uzb-cyrl:$(TESSDATA)/uzb_cyrl.traineddata tesseract-ocr-eng:$(TESSDATA)/eng.traineddata \
	tesseract-ocr-script-latn:$(TESSDATA)/Latin.traineddata
EXTRACT_SYSTEM_PACKAGES := $(OCR_SYSTEM_PACKAGES) libreoffice-writer-nogui:soffice
TEST_SYSTEM_PACKAGES := chromium:chromium chromium-driver:chromedriver postgresql:pg_ctlcluster $(EXTRACT_SYSTEM_PACKAGES)

.PHONY: extract test test-fast lint bench golden clean system-packages ocr-packages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

extract: $(STAMP) ocr-packages
	$(BIN)/polyplan extract sources/* --out output

test: $(STAMP) system-packages lint
	$(BIN)/python -m pytest

# A quick local run: the lint gate and the tests without the marker `slow` (fuzzing, mutants,
# OCR, LibreOffice, PostgreSQL, Chromium, killed runs, a process per broken file), on every core.
test-fast: $(STAMP) lint
	$(BIN)/python -m pytest -m "not slow" -q -n auto

# pyflakes, syntax errors and bugbear's bug-finding rules ([tool.ruff] in pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check pipeline tests bench

system-packages ocr-packages:
	@missing=""; \
	for pair in $(if $(filter ocr-packages,$@),$(EXTRACT_SYSTEM_PACKAGES),$(TEST_SYSTEM_PACKAGES)); do \
	    { command -v "$${pair#*:}" || [ -e $${pair#*:} ]; } >/dev/null 2>&1 || missing="$$missing $${pair%%:*}"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && { apt-get update -qq && \
	        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing; } >/dev/null 2>&1; then \
	    echo "make: installed the system packages the tests need:$$missing"; \
	else \
	    echo "make: system packages missing:$$missing (as root: apt-get install$$missing); $(if $(filter ocr-packages,$@),scanned PDFs are not recognised and .doc/.rtf/.odt files not read,the tests needing them are skipped)"; \
	fi

bench: $(STAMP)
	$(BIN)/python bench/run.py

# After a deliberate change of behaviour: rewrite tests/golden/*.json, then review the diff.
golden: $(STAMP)
	$(BIN)/python -m tests.golden
	@git diff --stat -- tests/golden 2>/dev/null || true

clean:
	rm -rf output $(VENV)
