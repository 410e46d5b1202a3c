//! Measures how long `sandbox` takes to print its start-up line and how much memory it holds
//! then, per seed; prints a Markdown table (medians of several runs).
//! Usage: sandbox-bench [--runs N] [--sandbox PATH] SEED...

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut runs = 5;
    let mut bin = std::env::current_exe().ok().and_then(|p| p.parent().map(|d| d.join("sandbox"))).unwrap_or_default();
    let mut seeds = Vec::new();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => runs = it.next().and_then(|n| n.parse().ok()).unwrap_or(5),
            "--sandbox" => bin = it.next().map(Into::into).unwrap_or(bin),
            _ => seeds.push(a),
        }
    }
    if seeds.is_empty() {
        seeds = vec!["empty".into(), "demo".into(), "large:100000".into()];
    }
    println!("| seed | start-up to JSON line (median of {runs}) | resident memory after start |");
    println!("|---|---|---|");
    for seed in &seeds {
        let mut times = Vec::new();
        let mut rss = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            let mut child = Command::new(&bin)
                .args(["--listen", "127.0.0.1:0", "--seed", seed])
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("the sandbox binary starts");
            let mut line = String::new();
            let stdout = child.stdout.take().expect("stdout is piped");
            BufReader::new(stdout).read_line(&mut line).expect("reads the start-up line");
            let took: Duration = started.elapsed();
            assert!(line.starts_with('{'), "unexpected start-up line: {line:?}");
            times.push(took.as_secs_f64());
            rss.push(rss_kib(child.id()).unwrap_or(0) as f64 / 1024.0);
            let _ = child.kill();
            let _ = child.wait();
        }
        println!("| `{seed}` | {:.2} s | {:.0} MiB |", median(times), median(rss));
    }
}
