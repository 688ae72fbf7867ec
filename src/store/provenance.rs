//! Where an exported recipe came from. `promptbook export PACK/NAME` puts one comment line
//! before a pack recipe's YAML naming it, so that `add` of that file (edited or not) goes
//! back to that pack's recipe even when the user has a recipe of the same name of their own
//! (whose bare name would otherwise win). The line is not part of the recipe: `add` stores
//! the text after it, so an unedited export adds back as "unchanged".

/// The start of the line; the recipe's full name follows it.
const PREFIX: &str = "# promptbook pack recipe: ";

/// `yaml` with the line that names `address` (`pack/name`) before it.
pub fn mark(address: &str, yaml: &str) -> String {
    format!(
        "{PREFIX}{address} (`promptbook add` of this file changes that recipe; this line is not stored)\n{yaml}"
    )
}

/// The full name an exported file names on its first line, and the text after that line;
/// `None` when the file has no such line.
pub fn read(text: &str) -> Option<(&str, &str)> {
    let first = text.lines().next()?;
    let rest = first.strip_prefix(PREFIX)?;
    let address = rest.split_whitespace().next()?;
    let (pack, name) = address.split_once('/')?;
    if !crate::recipe::is_kebab(pack) || !crate::recipe::is_kebab(name) {
        return None;
    }
    let after = text.find('\n').map_or("", |i| &text[i + 1..]);
    Some((address, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_and_reads_back() {
        let yaml = "name: notes\nprompt: hi\n";
        let marked = mark("team/notes", yaml);
        assert_eq!(read(&marked), Some(("team/notes", yaml)));
        assert_eq!(read(yaml), None);
        assert_eq!(read("# promptbook pack recipe: ../x\nname: x\n"), None);
    }
}
