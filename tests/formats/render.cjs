// Renders dotprompt files with the dotprompt package itself (it has no command line), many
// files per process. Reads a JSON list of jobs {"file": PATH, "values": {...}} on standard
// input; writes a JSON list of {"messages": [{"role", "content"}]} or {"error": TEXT}.
// Partials are the `_NAME.prompt` files beside the prompt.
const fs = require("fs");
const path = require("path");
const { Dotprompt } = require("dotprompt");

async function one(job) {
  const dir = path.dirname(job.file);
  const partials = {};
  for (const f of fs.readdirSync(dir)) {
    if (f.startsWith("_") && f.endsWith(".prompt")) {
      partials[f.slice(1, -".prompt".length)] = fs.readFileSync(path.join(dir, f), "utf8");
    }
  }
  const dp = new Dotprompt({ partials });
  const source = fs.readFileSync(job.file, "utf8");
  // As Genkit does: the prompt's own metadata (its input defaults) goes in as options.
  const rendered = await dp.render(source, { input: job.values }, dp.parse(source));
  return {
    messages: rendered.messages.map((m) => ({
      role: m.role,
      content: m.content.map((p) => p.text || "").join(""),
    })),
  };
}

(async () => {
  const jobs = JSON.parse(fs.readFileSync(0, "utf8"));
  const results = [];
  for (const job of jobs) {
    try {
      results.push(await one(job));
    } catch (e) {
      results.push({ error: String(e && e.message ? e.message : e) });
    }
  }
  process.stdout.write(JSON.stringify(results));
})();
