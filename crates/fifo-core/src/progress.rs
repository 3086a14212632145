//! Telling a caller how many bytes moved, as they move (a progress meter).

/// Something told how many bytes moved, as they move (a progress meter).
pub struct Progress(Box<dyn FnMut(u64) + Send>);

impl Progress {
    /// Calls `report` with each count of bytes moved.
    pub fn new(report: impl FnMut(u64) + Send + 'static) -> Self {
        Self(Box::new(report))
    }

    /// Reports `n` more bytes moved.
    pub(crate) fn add(progress: &mut Option<Self>, n: usize) {
        if let Some(Self(report)) = progress {
            report(n as u64);
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}
