"""Renders prompt files with the other tools' own Python code, many files per process.

Reads a JSON list of jobs on standard input: {"tool": "prompty" | "dotpromptz" | "llm" |
"skills-ref", "file": PATH, "values": {...}}. Writes a JSON list of results: {"messages":
[{"role": ..., "content": ...}]} or {"errors": [...]} for skills-ref, or {"error": TEXT}.
The tools do the work: Prompty's load and prepare, dotpromptz's Dotprompt.render (partials
are the `_NAME.prompt` files beside the prompt), llm's own command line (`llm -t FILE -m
echo`) through click's runner, and skills-ref's validator.
"""

import asyncio
import glob
import json
import os
import sys


def prompty_job(job):
    import prompty

    agent = prompty.load(job["file"])
    out = []
    for m in prompty.prepare(agent, job["values"]):
        text = "".join(getattr(p, "value", "") for p in m.parts)
        out.append({"role": m.role, "content": text})
    return {"messages": out}


def dotpromptz_job(job):
    from dotpromptz import Dotprompt
    from dotpromptz.typing import DataArgument

    folder = os.path.dirname(job["file"])
    partials = {}
    for p in glob.glob(os.path.join(folder, "_*.prompt")):
        partials[os.path.basename(p)[1:-len(".prompt")]] = open(p, encoding="utf-8").read()
    dp = Dotprompt(partials=partials)
    source = open(job["file"], encoding="utf-8").read()
    rendered = asyncio.run(dp.render(source, DataArgument(input=job["values"])))
    out = []
    for m in rendered.messages:
        text = "".join(getattr(p, "text", "") or "" for p in m.content)
        out.append({"role": str(getattr(m.role, "value", m.role)), "content": text})
    return {"messages": out}


def llm_job(job):
    from click.testing import CliRunner
    from llm.cli import cli

    args = ["-t", job["file"], "-m", "echo", "--no-log"]
    for k, v in job["values"].items():
        if k != "input":
            args += ["-p", k, v if isinstance(v, str) else json.dumps(v)]
    # `$input` is the text given on llm's command line, not a -p parameter.
    if "input" in job["values"]:
        args.append(job["values"]["input"])
    result = CliRunner().invoke(cli, args, input="", catch_exceptions=True)
    if result.exit_code != 0:
        return {"error": result.output.strip() or repr(result.exception)}
    echoed = json.loads(result.output)
    out = []
    if echoed.get("system"):
        out.append({"role": "system", "content": echoed["system"]})
    out.append({"role": "user", "content": echoed.get("prompt") or ""})
    return {"messages": out}


def skills_job(job):
    from pathlib import Path

    from skills_ref.validator import validate

    return {"errors": validate(Path(job["file"]))}


TOOLS = {
    "prompty": prompty_job,
    "dotpromptz": dotpromptz_job,
    "llm": llm_job,
    "skills-ref": skills_job,
}


def main():
    results = []
    for job in json.load(sys.stdin):
        try:
            results.append(TOOLS[job["tool"]](job))
        except Exception as e:  # reported per job, so one bad file does not hide the rest
            results.append({"error": f"{type(e).__name__}: {e}"})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
