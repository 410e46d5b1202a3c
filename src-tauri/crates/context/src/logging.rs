//! Logs go to a daily-rolling file in the data folder (and stderr), through a writer that
//! scrubs anything credential-shaped. `Sensitive<T>` keeps secrets out at the source; this is
//! the net under it.

use std::io::{self, Write};
use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

/// Wraps a writer; every write is scrubbed before it reaches the inner writer.
#[derive(Clone)]
pub struct Redacting<M>(pub M);

pub struct RedactingWriter<W: Write>(W);

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // tracing's fmt layer hands over one whole formatted event per write.
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(xp_core::redact::scrub(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;
    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter(self.0.make_writer())
    }
}

/// Installs the global subscriber. Keep the guard alive for the life of the process, or the
/// last lines are lost. `RUST_LOG` overrides the default level.
pub fn init(log_dir: &Path, file_prefix: &str, to_stderr: bool) -> io::Result<WorkerGuard> {
    std::fs::create_dir_all(log_dir)?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(file_prefix)
        .filename_suffix("log")
        .max_log_files(14)
        .build(log_dir)
        .map_err(io::Error::other)?;
    let (file_writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let file_layer = tracing_subscriber::fmt::layer().with_ansi(false).with_writer(Redacting(file_writer));
    let stderr_layer = to_stderr.then(|| tracing_subscriber::fmt::layer().with_writer(Redacting(io::stderr)));
    let _ = tracing_subscriber::registry().with(filter).with(file_layer).with(stderr_layer).try_init();
    Ok(guard)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_writer_scrubs_before_writing() {
        let mut out = Vec::new();
        {
            let mut w = RedactingWriter(&mut out);
            w.write_all(b"POST /token refresh_token=abc123secret&client_id=x\n").unwrap();
        }
        let s = String::from_utf8(out).unwrap();
        assert!(!s.contains("abc123secret"), "{s}");
        assert!(s.contains("client_id=x"));
    }
}
