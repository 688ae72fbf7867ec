#!/usr/bin/env bash
# Benchmark: install a 10,000-recipe pack from a folder with the real release binary.
# The target is 5 s or less on a 2-core machine. Usage: benches/pack_install.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-10000}"
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/promptbook"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A pack of COUNT recipes shaped like real ones (variables, system prompt, an example, a
# test), spread over 100 folders.
python3 - "$work/pack" "$count" <<'PY'
import os, sys
root, count = sys.argv[1], int(sys.argv[2])
os.makedirs(root)
with open(os.path.join(root, "pack.yaml"), "w") as f:
    f.write("name: bench\nversion: 1.0.0\ndescription: A large pack for the install benchmark.\n")
for i in range(count):
    d = os.path.join(root, f"group-{i % 100:03d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"recipe-{i:05d}.yaml"), "w") as f:
        f.write(f"""name: recipe-{i:05d}
title: Benchmark recipe {i}
description: Draft a short note about a topic for an audience, number {i}.
version: 1.0.0
tags: [bench, group-{i % 100:03d}]
model:
  prefer: sonnet
  max_tokens: 800
  why: Everyday writing.
variables:
  topic: {{ type: string, required: true, description: What the note is about }}
  audience: {{ type: string, default: busy product managers }}
  tone: {{ type: choice, choices: [friendly, formal], default: friendly }}
  words: {{ type: integer, default: 200, min: 50, max: 1000 }}
system: |
  You are a careful writer. Keep to the facts given.
prompt: |
  Write about {{{{words}}}} words on <topic>{{{{topic}}}}</topic> for {{{{audience}}}}.
  Tone: {{{{tone}}}}.
examples:
  - input: {{ topic: onboarding }}
    output: A short note about onboarding.
tests:
  - vars: {{ topic: pricing }}
    expect: {{ contains: [pricing] }}
""")
PY

export PROMPTBOOK_LIBRARY="$work/library.sqlite3"
"$bin" list >/dev/null   # create and seed the library first: only the install is timed
TIMEFORMAT=%R
secs=$( { time "$bin" pack add "$work/pack" >/dev/null 2>"$work/stderr"; } 2>&1 )
installed=$("$bin" pack list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[0]["recipes"]))')
echo "pack add of $count recipes from a folder: $secs s ($installed installed; target: 5 s or less)"
# One render from the large library, for the render path.
secs=$( { time "$bin" render bench/recipe-05000 --var topic=tea >/dev/null; } 2>&1 )
echo "render of one recipe from that library: $secs s (whole process)"
