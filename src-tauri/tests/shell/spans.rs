//! A command's log span records its parameters unless told to skip them, and a failing command
//! writes the span with its error to the log file. Parameters that carry what a person typed or
//! who a payer is (an IBAN, an account holder's name, a search, a token, a password) must be
//! skipped: this reads every command's `#[tracing::instrument]` and its parameter list.

use std::path::Path;

/// Parameter names that hold personal data or secrets. Ids and amounts may be recorded: they
/// make a failing command traceable and name nobody.
const NEVER_IN_A_SPAN: [&str; 12] = [
    "iban",
    "holder",
    "bank",
    "token",
    "password",
    "credentials",
    "query",
    "search",
    "email",
    "secret",
    "api_key",
    "passphrase",
];

/// (command, attribute, parameter names) for each instrumented function of `src`.
fn instrumented(src: &str) -> Vec<(String, String, Vec<String>)> {
    let mut found = Vec::new();
    let mut rest = src;
    while let Some(at) = rest.find("#[tracing::instrument(") {
        rest = &rest[at..];
        let attr_end = rest.find(")]").expect("an instrument attribute ends");
        let attr = rest[..attr_end + 2].to_owned();
        let fn_at = rest.find("fn ").expect("an attribute is followed by its function");
        let name: String = rest[fn_at + 3..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let open = fn_at + rest[fn_at..].find('(').expect("a parameter list");
        let close = open + rest[open..].find(") ->").or_else(|| rest[open..].find(") {")).expect("its end");
        let params = rest[open + 1..close]
            .split(',')
            .filter_map(|p| p.split(':').next())
            .map(|p| p.trim().trim_start_matches("mut ").to_owned())
            .filter(|p| !p.is_empty())
            .collect();
        found.push((name, attr, params));
        rest = &rest[close..];
    }
    found
}

fn skipped(attr: &str, param: &str) -> bool {
    if attr.contains("skip_all") {
        return true;
    }
    let Some(start) = attr.find("skip(") else { return false };
    let list = &attr[start + 5..];
    let list = &list[..list.find(')').unwrap_or(list.len())];
    list.split(',').any(|p| p.trim() == param)
}

#[test]
fn no_command_records_personal_data_or_secrets_in_its_log_span() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/src/commands");
    let mut checked = 0;
    let mut leaks = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let src = std::fs::read_to_string(&path).unwrap();
        for (command, attr, params) in instrumented(&src) {
            checked += 1;
            for p in params.iter().filter(|p| NEVER_IN_A_SPAN.contains(&p.as_str())) {
                if !skipped(&attr, p) {
                    leaks.push(format!("{}: {command} records `{p}`", path.file_name().unwrap().to_string_lossy()));
                }
            }
        }
    }
    assert!(checked > 30, "the commands were found and read: {checked}");
    assert!(leaks.is_empty(), "skip these in the span: {leaks:#?}");
}

#[test]
fn the_scan_sees_a_parameter_that_is_not_skipped() {
    let src = "#[tracing::instrument(skip(access), err)]\npub async fn f<R: Runtime>(access: Access<R>, holder: String, iban: String) -> Result<(), E> {}\n\
               #[tracing::instrument(skip(access, holder), err)]\npub async fn g(access: A, holder: String) -> R {}";
    let found = instrumented(src);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].2, ["access", "holder", "iban"]);
    assert!(!skipped(&found[0].1, "holder") && skipped(&found[1].1, "holder") && !skipped(&found[1].1, "iban"));
}
