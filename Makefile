# Each target sets itself up from nothing: a fresh clone needs only python3 (3.11+) and git.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The editor extension's packages (npm registry only), installed exactly as package-lock.json pins them.
NODE_STAMP := editor-extension/node_modules/.installed

.PHONY: setup bytecode demo test bench docs clean

setup: $(STAMP)

# pip resolves torch==2.13.0 (pinned in pyproject.toml) to the CPU wheel: never a CUDA download.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	@# Debian's Chromium renders the ROI report in the tests (headless); installed when missing and possible.
	command -v chromium >/dev/null || { test "$$(id -u)" = 0 && command -v apt-get >/dev/null && \
	  (apt-get install -y -q chromium >/dev/null 2>&1 || (apt-get update -q >/dev/null && \
	   apt-get install -y -q chromium >/dev/null)); } || echo "no chromium: the report's browser test will be skipped"
	@# Debian's PostgreSQL: the storage tests start a throwaway cluster of it (never the system's service).
	command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { test "$$(id -u)" = 0 && \
	  command -v apt-get >/dev/null && (apt-get install -y -q postgresql >/dev/null 2>&1 || (apt-get update -q \
	  >/dev/null && apt-get install -y -q postgresql >/dev/null)); } || \
	  echo "no postgresql: the storage tests run on SQLite alone"
	@# Debian's Neovim (0.7) is the headless editor the Neovim client is tested in.
	command -v nvim >/dev/null || { test "$$(id -u)" = 0 && command -v apt-get >/dev/null && \
	  (apt-get install -y -q neovim >/dev/null 2>&1 || (apt-get update -q >/dev/null && \
	   apt-get install -y -q neovim >/dev/null)); } || echo "no nvim: the Neovim client's test will be skipped"
	touch $(STAMP)

# The project's own modules as bytecode, as installing a wheel leaves them (an editable install does not): where
# PYTHONDONTWRITEBYTECODE is set, as on these machines, every `idiom` start would otherwise compile again each
# module it imports (0.1-0.3 s of the language server's way to its first answer). Only changed modules recompile.
bytecode: $(STAMP)
	$(PY) -m compileall -q harvest router server

$(NODE_STAMP): editor-extension/package-lock.json
	cd editor-extension && npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

demo: $(STAMP) $(NODE_STAMP) bytecode
	$(PY) examples/build_example.py examples/acme-web
	$(VENV)/bin/idiom harvest examples/acme-web --prs examples/acme-web-prs.json
	$(VENV)/bin/idiom scrub examples/acme-web/.idiom --json > /dev/null && echo "no secret left in anything written under .idiom/"
	$(VENV)/bin/idiom dataset validate examples/acme-web/.idiom/datasets/acme-web
	$(VENV)/bin/idiom lint examples/acme-web && echo "the team's own code follows its mined conventions"
	$(VENV)/bin/idiom conventions export examples/acme-web
	HF_HUB_OFFLINE=1 $(VENV)/bin/idiom index examples/acme-web
	HF_HUB_OFFLINE=1 $(VENV)/bin/idiom search --repo examples/acme-web "debounce a value in a hook" -k 3
	@echo "what the editor gets at the cursor in Tooltip.tsx: its imports' definitions, then other components"
	HF_HUB_OFFLINE=1 $(VENV)/bin/idiom search --repo examples/acme-web --file src/components/Tooltip/Tooltip.tsx \
	  --line 36 -k 4
	HF_HUB_OFFLINE=1 $(VENV)/bin/idiom model tiny examples/acme-web/.idiom/models/tiny --repo examples/acme-web
	@echo "(the tiny model starts untrained; even after the short fine-tune below its text is noise: it shows the whole path runs offline)"
	HF_HUB_OFFLINE=1 $(VENV)/bin/idiom train examples/acme-web --plan --base-model codellama/CodeLlama-7b-hf \
	  --method qlora
	HF_HUB_OFFLINE=1 IDIOM_FINETUNE_BATCH_SIZE=4 IDIOM_FINETUNE_GRADIENT_ACCUMULATION=1 IDIOM_FINETUNE_EVAL_STEPS=20 \
	  IDIOM_FINETUNE_GRADIENT_CHECKPOINTING=false $(VENV)/bin/idiom train examples/acme-web \
	  --base-model examples/acme-web/.idiom/models/tiny --max-steps 40 --max-length 512 --lr 3e-3 --train-lm-head
	$(VENV)/bin/idiom models list --repo examples/acme-web
	$(VENV)/bin/idiom suite generate examples/acme-web
	HF_HUB_OFFLINE=1 IDIOM_ROUTER_PROVIDER=local IDIOM_ROUTER_MODEL=examples/acme-web/.idiom/models/tiny \
	  $(VENV)/bin/idiom validate examples/acme-web --max-tokens 24
	$(VENV)/bin/idiom route "Create a Tag component with a tone prop" --file src/components/Tag/Tag.tsx \
	  --repo examples/acme-web
	$(VENV)/bin/idiom roi examples/acme-web
	for strategy in few_shot rag finetuned finetuned_rag plain; do \
	  HF_HUB_OFFLINE=1 IDIOM_ROUTER_PROVIDER=local IDIOM_ROUTER_MODEL=examples/acme-web/.idiom/models/tiny \
	  $(VENV)/bin/idiom generate "Create a Tag component with a tone prop" --repo examples/acme-web \
	    --file src/components/Tag/Tag.tsx --strategy $$strategy --max-tokens 24 || exit 1; \
	done
	@echo "in the editor: the Node client speaks to idiom serve as the VS Code extension does"
	HF_HUB_OFFLINE=1 IDIOM_ROUTER_PROVIDER=local IDIOM_ROUTER_MODEL=examples/acme-web/.idiom/models/tiny \
	  node editor-extension/client/drive.js --repo examples/acme-web --file src/components/Tag/Tag.tsx \
	  --instruction "Create a Tag component with a tone prop" -- $(VENV)/bin/idiom serve --repo examples/acme-web
	@echo "retained code: the suggestion accepted in the editor, from a stand-in model (the tiny model's noise never passes the rules)"
	HF_HUB_OFFLINE=1 $(PY) examples/accepted_session.py examples/acme-web
	$(VENV)/bin/idiom roi examples/acme-web

test: $(STAMP) $(NODE_STAMP) bytecode
	cd editor-extension && npm test --silent
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 $(PY) -m pytest -n 2 -q

# The manual's generated pages (docs/configuration.md, docs/cli.md); tests/test_docs.py fails when they drift.
docs: $(STAMP)
	$(PY) -m server.docs

bench: $(STAMP)
	$(PY) bench/scrub_bench.py
	$(PY) bench/history_bench.py
	$(PY) bench/dataset_bench.py
	HF_HUB_OFFLINE=1 $(PY) bench/index_bench.py
	HF_HUB_OFFLINE=1 $(PY) bench/deps_bench.py
	HF_HUB_OFFLINE=1 $(PY) bench/finetune_bench.py
	$(PY) bench/router_bench.py
	HF_HUB_OFFLINE=1 $(PY) bench/server_bench.py

clean:
	rm -rf $(VENV) examples/acme-web examples/acme-web-prs.json editor-extension/node_modules editor-extension/out
