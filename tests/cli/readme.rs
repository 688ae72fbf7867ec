//! README.md shows what the program prints today: every `$ promptbook …` command in its
//! "A short tour" section is run on a fresh library and compared with the block below it.
//! A line that is only `…` stands for lines left out; a block without one must match
//! exactly (after dates and the home folder are made the README's).

use crate::support::*;

/// The commands of the tour with the text shown below each.
fn tour() -> Vec<(String, Vec<String>)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme.find("\n## A short tour").expect("a tour section");
    let end = readme[start + 1..]
        .find("\n## ")
        .map_or(readme.len(), |e| start + 1 + e);
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_block = false;
    for line in readme[start..end].lines() {
        if line.starts_with("```console") {
            in_block = true;
        } else if line.starts_with("```") {
            in_block = false;
        } else if in_block {
            if let Some(cmd) = line.strip_prefix("$ ") {
                out.push((cmd.to_string(), Vec::new()));
            } else if let Some((_, shown)) = out.last_mut() {
                shown.push(line.to_string());
            }
        }
    }
    for (_, shown) in &mut out {
        while shown.last().is_some_and(|l| l.is_empty()) {
            shown.pop();
        }
    }
    out
}

#[test]
fn the_readme_tour_shows_what_the_program_prints() {
    let env = Env::new();
    env.write(
        "notes.txt",
        "Launch sync, 3 March. Ana: ship the beta Friday. Bo will update the pricing page.\n",
    );
    let stamp = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z").unwrap();
    // Tables show times as `2026-11-24 03:20:29`, or to the minute.
    let shown_time = regex::Regex::new(r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?").unwrap();
    let home = env.dir.path().display().to_string();
    let mut checked = 0;
    for (line, shown) in tour() {
        let words = shell_words::split(&line).unwrap();
        // `cat > FILE <<'EOF'` writes the lines below it, up to `EOF`, as a reader would.
        if let ["cat", ">", file, end] = words.iter().map(String::as_str).collect::<Vec<_>>()[..]
            && let Some(end) = end.strip_prefix("<<")
        {
            let body = shown
                .iter()
                .position(|l| l == end)
                .expect("the heredoc ends");
            env.write(file, shown[..body].join("\n") + "\n");
            continue;
        }
        if words[0] != "promptbook" || words.iter().any(|w| w.starts_with('~')) {
            continue; // another program, or a path on the reader's machine
        }
        let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        let run = env.cmd(&args).run();
        let printed = format!("{}{}", run.stdout, run.stderr());
        let printed = stamp.replace_all(&printed, "2026-11-24T03:20:29.036Z");
        let printed = shown_time.replace_all(&printed, |c: &regex::Captures| {
            format!(
                "2026-11-24 03:20{}",
                if c.get(1).is_some() { ":29" } else { "" }
            )
        });
        let printed = printed
            .replace(&format!("{home}/config"), "/home/you/.config")
            .replace(&home, "/home/you");
        let printed: Vec<&str> = printed.lines().collect();
        if !shown.iter().any(|l| l == "…") {
            assert_eq!(printed, shown, "README shows something else for `{line}`");
        } else {
            // Every line shown appears, in order; `…` lines stand for any lines.
            let mut at = 0;
            for want in shown.iter().filter(|l| *l != "…") {
                match printed[at..].iter().position(|p| p == want) {
                    Some(i) => at += i + 1,
                    None => panic!(
                        "README shows {want:?} for `{line}`, which it does not print (in this order):\n{}",
                        printed.join("\n")
                    ),
                }
            }
        }
        checked += 1;
    }
    assert!(
        checked >= 5,
        "only {checked} commands of the tour were checked"
    );
}
