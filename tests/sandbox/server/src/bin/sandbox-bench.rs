//! Measures how long `sandbox` takes to print its start-up line and how much memory it holds
//! then, per seed; prints a Markdown table (medians of several runs).
//! Usage: sandbox-bench [--runs N] [--sandbox PATH] [--state] SEED...
//!
//! With `--state` it measures `--state FILE` instead: the first start (seed, then write FILE
//! before the start-up line), a restart that restores FILE (to the start-up line), and the
//! save at exit (one change through the admin API, then SIGTERM until the process is gone).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
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

/// Starts the sandbox and waits for its start-up line: the child, the line and how long it took.
fn start(bin: &Path, args: &[&str]) -> (Child, String, Duration) {
    let started = Instant::now();
    let mut child = Command::new(bin)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the sandbox binary starts");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout is piped");
    BufReader::new(stdout).read_line(&mut line).expect("reads the start-up line");
    let took = started.elapsed();
    assert!(line.starts_with('{'), "unexpected start-up line: {line:?}");
    (child, line, took)
}

/// The `"admin"` URL's `host:port` from the start-up line.
fn admin_addr(line: &str) -> String {
    let key = "\"admin\":\"http://";
    let at = line.find(key).expect("the start-up line names the admin URL") + key.len();
    line[at..].split('/').next().expect("host:port").to_owned()
}

/// One change to the state (the simulated clock moves on), so the exit has something to save.
fn change_something(admin: &str) {
    let body = r#"{"seconds":60}"#;
    let mut s = std::net::TcpStream::connect(admin).expect("connects to the admin API");
    write!(
        s,
        "POST /admin/time/advance HTTP/1.1\r\nHost: {admin}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("sends the request");
    let mut reply = String::new();
    s.read_to_string(&mut reply).expect("reads the reply");
    assert!(reply.starts_with("HTTP/1.1 200"), "the clock did not move: {reply}");
}

/// CPU seconds (user + system) the process has used so far, from `/proc/PID/stat`. On a shared,
/// loaded machine wall time mostly measures the neighbours; CPU time measures the sandbox.
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime
    // are fields 14 and 15, in clock ticks (USER_HZ, 100 on Linux).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<f64> = rest.split_whitespace().skip(11).take(2).filter_map(|v| v.parse().ok()).collect();
    f.iter().sum::<f64>() / 100.0
}

/// `/proc/PID/stat` says the process has exited but is not reaped yet (its CPU times are final).
fn is_zombie(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit_once(')').is_none_or(|(_, r)| r.trim_start().starts_with('Z'))
}

/// SIGTERM, then the time until the process has exited (it saves FILE first) and the CPU
/// seconds it spent meanwhile.
fn terminate(mut child: Child) -> (Duration, f64) {
    let pid = child.id();
    let cpu_before = cpu_secs(pid);
    let started = Instant::now();
    let kill = Command::new("kill").args(["-TERM", &pid.to_string()]).status().expect("kill");
    assert!(kill.success(), "kill -TERM {pid}");
    while !is_zombie(pid) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let took = started.elapsed();
    let cpu = cpu_secs(pid) - cpu_before;
    let status = child.wait().expect("waits for the sandbox");
    assert!(status.success(), "the sandbox exits cleanly after its last save: {status}");
    (took, cpu)
}

fn bench_state(bin: &Path, runs: usize, seeds: &[String]) {
    println!(
        "| seed | first start: seed + write FILE (median of {runs}) | restore FILE to start-up line (CPU) \
         | save at exit after a change (CPU) | FILE size |"
    );
    println!("|---|---|---|---|---|");
    let dir = std::env::temp_dir().join(format!("sandbox-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let file = dir.join("state.json");
    let state = file.to_str().expect("UTF-8 path");
    for seed in seeds {
        let (mut first, mut restore, mut save) = (Vec::new(), Vec::new(), Vec::new());
        let (mut restore_cpu, mut save_cpu) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            let _ = std::fs::remove_file(&file);
            let (child, _, took) = start(bin, &["--listen", "127.0.0.1:0", "--seed", seed, "--state", state]);
            first.push(took.as_secs_f64());
            // Nothing changed since FILE was written: the exit has nothing to save. (The pause
            // lets builds that installed their signal handlers only after the line do so.)
            std::thread::sleep(Duration::from_millis(200));
            terminate(child);
            let (child, line, took) = start(bin, &["--listen", "127.0.0.1:0", "--state", state]);
            restore.push(took.as_secs_f64());
            restore_cpu.push(cpu_secs(child.id()));
            change_something(&admin_addr(&line));
            let (took, cpu) = terminate(child);
            save.push(took.as_secs_f64());
            save_cpu.push(cpu);
        }
        let mib = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0) as f64 / (1024.0 * 1024.0);
        println!(
            "| `{seed}` | {:.2} s | {:.2} s ({:.2} s) | {:.2} s ({:.2} s) | {mib:.0} MiB |",
            median(first),
            median(restore),
            median(restore_cpu),
            median(save),
            median(save_cpu)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut runs = 5;
    let mut state = false;
    let mut bin = std::env::current_exe().ok().and_then(|p| p.parent().map(|d| d.join("sandbox"))).unwrap_or_default();
    let mut seeds = Vec::new();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => runs = it.next().and_then(|n| n.parse().ok()).unwrap_or(5),
            "--sandbox" => bin = it.next().map(Into::into).unwrap_or(bin),
            "--state" => state = true,
            _ => seeds.push(a),
        }
    }
    if seeds.is_empty() {
        seeds = vec!["empty".into(), "demo".into(), "large:100000".into()];
    }
    if state {
        return bench_state(&bin, runs, &seeds);
    }
    println!("| seed | start-up to JSON line (median of {runs}) | resident memory after start |");
    println!("|---|---|---|");
    for seed in &seeds {
        let mut times = Vec::new();
        let mut rss = Vec::new();
        for _ in 0..runs {
            let (mut child, _, took) = start(&bin, &["--listen", "127.0.0.1:0", "--seed", seed]);
            times.push(took.as_secs_f64());
            rss.push(rss_kib(child.id()).unwrap_or(0) as f64 / 1024.0);
            let _ = child.kill();
            let _ = child.wait();
        }
        println!("| `{seed}` | {:.2} s | {:.0} MiB |", median(times), median(rss));
    }
}
