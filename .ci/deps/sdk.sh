# The body tests (tests/cli/sdk.rs) validate every Anthropic and OpenAI request body with the
# official Python SDKs' own request types, through pydantic (which both SDKs bring along).
# Installed with pip when missing (python3 and pip themselves with apt first); under CI=true
# the test fails when they are absent.
if ! python3 -c "import anthropic, openai, pydantic" >/dev/null 2>&1; then
  if ! command -v python3 >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then
    sdk_sudo=""
    [ "$(id -u)" -eq 0 ] || sdk_sudo="sudo"
    $sdk_sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sdk_sudo apt-get install -y -qq --no-install-recommends python3 python3-pip
  fi
  python3 -m pip install --quiet anthropic openai || python3 -m pip install --quiet --break-system-packages anthropic openai
fi
