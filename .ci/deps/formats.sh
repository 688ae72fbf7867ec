# The format tests (tests/cli/formats.rs) render exports with the other tools themselves:
# llm with the llm-echo model, Prompty, dotpromptz and skills-ref from the Python package
# index, and the dotprompt package from npm (driven by tests/formats/render.cjs, as it has
# no command line). Installed only when missing.
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-pip)
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
if command -v python3 >/dev/null 2>&1 \
  && ! python3 -c "import llm, llm_echo, prompty, dotpromptz, skills_ref" >/dev/null 2>&1; then
  python3 -m pip install --quiet llm llm-echo prompty dotpromptz skills-ref
fi
if command -v npm >/dev/null 2>&1 && [ ! -d "$(npm root -g)/dotprompt" ]; then
  npm install -g --silent dotprompt
fi
