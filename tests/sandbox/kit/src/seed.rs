//! Which data set an emulator starts with. Generation is deterministic (a fixed RNG seed), so
//! tests can name records and benchmarks compare like with like.

use rand::rngs::StdRng;
use rand::SeedableRng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seed {
    /// Accounts and settings only.
    Empty,
    /// A believable small business (see each emulator for what it holds).
    Demo,
    /// `N` invoices with proportional contacts and payments, for benchmarks.
    Large(u32),
}

impl Seed {
    pub fn parse(s: &str) -> Result<Seed, String> {
        match s {
            "empty" => Ok(Seed::Empty),
            "demo" => Ok(Seed::Demo),
            other => match other.strip_prefix("large:").map(str::parse::<u32>) {
                Some(Ok(n)) if n > 0 && n <= 2_000_000 => Ok(Seed::Large(n)),
                _ => Err(format!("unknown seed {other:?}: use demo, empty or large:N (1..=2000000)")),
            },
        }
    }

    /// The deterministic generator for one emulator (`salt` keeps emulators independent).
    pub fn rng(&self, salt: u64) -> StdRng {
        StdRng::seed_from_u64(0x5eed_0000_0000_0000 ^ salt)
    }
}

/// The form [`Seed::parse`] reads, so a state file can record which seed it started from.
impl std::fmt::Display for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Seed::Empty => f.write_str("empty"),
            Seed::Demo => f.write_str("demo"),
            Seed::Large(n) => write!(f, "large:{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_forms_and_refuses_others() {
        assert_eq!(Seed::parse("demo"), Ok(Seed::Demo));
        assert_eq!(Seed::parse("empty"), Ok(Seed::Empty));
        assert_eq!(Seed::parse("large:100000"), Ok(Seed::Large(100_000)));
        for bad in ["", "large:", "large:0", "large:-1", "huge", "large:abc"] {
            assert!(Seed::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn displays_what_parse_reads() {
        for s in [Seed::Empty, Seed::Demo, Seed::Large(250)] {
            assert_eq!(Seed::parse(&s.to_string()), Ok(s), "a state file records the seed in --seed form");
        }
    }
}
