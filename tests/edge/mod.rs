//! The one check every test that runs the `ibias` binary makes on its result, and the small
//! helpers the binary-driving tests share.

/// No input of the suite may reach the internal-error edge (exit 70) or a raw panic (101).
#[track_caller]
pub fn no_internal_error(code: Option<i32>, stderr: &[u8]) {
    let e = String::from_utf8_lossy(stderr);
    assert!(
        !matches!(code, Some(70 | 101)) && !e.contains("internal error") && !e.contains("panicked"),
        "internal error (exit {code:?}): {e}"
    );
}

/// The bad-input contract: exit 2, exactly one stderr line `ibias: error: ...` that
/// mentions `needle`, nothing on stdout, no panic.
#[allow(dead_code)] // not every test binary that includes this module refuses input
#[track_caller]
pub fn assert_one_line_error(o: &std::process::Output, needle: &str) {
    no_internal_error(o.status.code(), &o.stderr);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "exit status; stderr: {err}");
    assert_eq!(err.lines().count(), 1, "expected one stderr line: {err:?}");
    assert!(
        err.starts_with("ibias: error: ") && err.ends_with('\n'),
        "{err:?}"
    );
    assert!(
        err.contains(needle),
        "stderr should mention {needle:?}: {err}"
    );
    assert!(
        o.stdout.is_empty(),
        "partial output on stdout: {:.300}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// Runs the `ibias` binary with `args`, `stdin` fed from a thread (write errors ignored: the
/// child may stop reading early, which is the point of some cases).
#[allow(dead_code)] // not every test binary that includes this module feeds stdin
pub fn run_with_stdin(args: &[&str], stdin: Vec<u8>) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_ibias"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ibias");
    let mut pipe = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || {
        let _ = pipe.write_all(&stdin);
    });
    let out = child.wait_with_output().expect("wait ibias");
    let _ = feeder.join();
    out
}

/// Runs the `ibias` binary with `args`, checking that it did not reach the internal-error edge.
#[allow(dead_code)] // not every test binary that includes this module runs the binary this way
pub fn ibias(args: &[&str]) -> std::process::Output {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ibias"))
        .args(args)
        .output()
        .expect("run ibias");
    no_internal_error(o.status.code(), &o.stderr);
    o
}

/// A file `name` with `contents` in a fresh temporary directory (kept alive by the guard).
#[allow(dead_code)]
pub fn tmp(name: &str, contents: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, contents).unwrap();
    (dir, p)
}

/// The run's stdout as text.
#[allow(dead_code)]
pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The run's stderr as text.
#[allow(dead_code)]
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
