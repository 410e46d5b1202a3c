//! What the "model" says: a pure function of the request, so tests can be exact. Also token
//! counting, stream chunking and id generation.

use serde_json::Value;

/// FNV-1a over several byte strings (with separators), the sandbox's only hash.
pub(crate) fn fnv(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.iter().chain(std::iter::once(&0xffu8)) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Tokens of a text: OpenAI's rule of thumb of about four characters per token
/// (https://help.openai.com/en/articles/4936856). Counts are estimates, but stable.
pub(crate) fn tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

/// Prompt tokens of a conversation: the text plus 3 tokens per message and 3 priming the reply,
/// the framing overhead of OpenAI's chat format (openai-cookbook "How to count tokens with
/// tiktoken", `tokens_per_message = 3`).
pub(crate) fn prompt_tokens<'a>(texts: impl IntoIterator<Item = &'a str>) -> u64 {
    texts.into_iter().map(|t| tokens(t) + 3).sum::<u64>() + 3
}

const CLOSINGS: [&str; 4] = [
    "This reply comes from the Xero Partner sandbox, not from a model.",
    "Send the same request again and the same words come back.",
    "The text depends only on the request, so tests can be exact.",
    "Ask for a JSON schema to receive structured output instead.",
];

/// A plain-text answer that reads sensibly: it summarises the last user message.
pub(crate) fn plain(seed: u64, last_user: &str) -> String {
    let words: Vec<&str> = last_user.split_whitespace().collect();
    let closing = CLOSINGS[(seed % CLOSINGS.len() as u64) as usize];
    if words.is_empty() {
        return format!("Sandbox answer: your message was empty. {closing}");
    }
    let mut preview = words.iter().take(6).copied().collect::<Vec<_>>().join(" ");
    if words.len() > 6 {
        preview.push('…');
    }
    let n = words.len();
    format!(
        "Sandbox answer: you wrote {n} word{} ({} characters), beginning \"{preview}\". {closing}",
        if n == 1 { "" } else { "s" },
        last_user.chars().count()
    )
}

/// The answer cut to `max_tokens` (the `length` / `max_output_tokens` case); `true` if cut.
pub(crate) fn truncate(text: String, max_tokens: Option<u64>) -> (String, bool) {
    match max_tokens {
        Some(max) if tokens(&text) > max => (text.chars().take((max * 4) as usize).collect(), true),
        _ => (text, false),
    }
}

/// Stream deltas: a word with its following whitespace, long runs cut at 16 characters.
/// Concatenated they give back `text` exactly.
pub(crate) fn chunks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_space = false;
    for c in text.chars() {
        let space = c.is_whitespace();
        if (prev_space && !space) || cur.chars().count() >= 16 {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c);
        prev_space = space;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Text of a message `content`: a string, or an array of parts with `text` (`text`,
/// `input_text`, `output_text`).
pub(crate) fn content_text(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => {
            parts.iter().filter_map(|p| p.get("text").and_then(Value::as_str)).collect::<Vec<_>>().join("\n")
        }
        _ => String::new(),
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `n` hex digits derived from `seed` (ids like `resp_` + 48 hex, as in the spec's examples).
pub(crate) fn hex_id(seed: u64, n: usize) -> String {
    let mut s = String::new();
    let mut i = 0u64;
    while s.len() < n {
        s.push_str(&format!("{:016x}", fnv(&[&seed.to_le_bytes(), &i.to_le_bytes()])));
        i += 1;
    }
    s.truncate(n);
    s
}

/// `n` alphanumerics derived from `seed` (`chatcmpl-` + 29, as in the spec's example
/// `chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG`).
pub(crate) fn alnum_id(seed: u64, n: usize) -> String {
    (0..n as u64)
        .map(|i| ALNUM[(fnv(&[&seed.to_le_bytes(), &i.to_le_bytes()]) % ALNUM.len() as u64) as usize] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_reassemble_the_text() {
        for text in
            ["Sandbox answer: you wrote 3 words.", "{\"a\":\"a long value without any spaces at all\"}", "", "  x  "]
        {
            assert_eq!(chunks(text).concat(), text);
        }
        assert_eq!(chunks("one two"), vec!["one ", "two"]);
    }

    #[test]
    fn answers_summarise_the_message_and_truncate_by_tokens() {
        let a = plain(0, "Which account fits ACME CLOUD HOSTING 01/26 please?");
        assert!(a.starts_with("Sandbox answer: you wrote 8 words (51 characters), beginning \"Which account fits ACME CLOUD HOSTING…\"."), "{a}");
        let (cut, was_cut) = truncate(a.clone(), Some(5));
        assert!(was_cut && tokens(&cut) <= 5 && a.starts_with(&cut));
        assert_eq!(truncate(a.clone(), Some(1000)), (a, false));
        assert_eq!(hex_id(1, 48).len(), 48);
        assert_eq!(alnum_id(1, 29), alnum_id(1, 29));
    }
}
