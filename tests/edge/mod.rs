//! The one check every test that runs the `ibias` binary makes on its result.

/// No input of the suite may reach the internal-error edge (exit 70) or a raw panic (101).
#[track_caller]
pub fn no_internal_error(code: Option<i32>, stderr: &[u8]) {
    let e = String::from_utf8_lossy(stderr);
    assert!(
        !matches!(code, Some(70 | 101)) && !e.contains("internal error") && !e.contains("panicked"),
        "internal error (exit {code:?}): {e}"
    );
}
