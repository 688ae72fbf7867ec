//! Token estimates. Claude's tokenizer is not public, so counts use OpenAI's cl100k encoding
//! and are always shown as approximate.

/// Estimated tokens in `text` (loads the tokenizer on first use: call only when a count is
/// shown or the cheap check below cannot decide).
pub fn estimate_tokens(text: &str) -> usize {
    tiktoken_rs::cl100k_base_singleton()
        .encode_with_special_tokens(text)
        .len()
}

/// A token is at least one byte, so a prompt whose byte length plus `max_tokens` fits the
/// window certainly fits, and no tokenizer is needed.
pub fn fits_without_counting(prompt_bytes: usize, max_tokens: u32, window: u64) -> bool {
    prompt_bytes as u64 + u64::from(max_tokens) <= window
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_are_plausible() {
        let n = estimate_tokens("Write a blog post about remote onboarding.");
        assert!((5..=12).contains(&n), "{n}");
        assert!(fits_without_counting(1000, 1000, 2000));
        assert!(!fits_without_counting(1001, 1000, 2000));
    }
}
