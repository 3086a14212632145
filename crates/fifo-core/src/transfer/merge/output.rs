//! The merge's output side: whole lines, tagged, within the line budget.

use std::os::fd::BorrowedFd;

use super::input::State;
use super::{Input, Merger, NEWLINE};
use crate::Result;
use crate::transfer::progress::Progress;
use crate::transfer::write::write_data;

impl Merger {
    /// The input's writers have all left: ends its unfinished line, then
    /// opens it again to serve later writers, or marks it done.
    pub(super) fn end_of_stream(&mut self, input: &mut Input, dst: BorrowedFd<'_>) -> Result<()> {
        self.end_line(input, dst)?;
        input.lock = None;
        if let Some(path) = input.reopen.clone() {
            input.open_again(&path)
        } else {
            input.state = State::Done;
            Ok(())
        }
    }

    /// Writes every input's unfinished line with a newline.
    pub(super) fn end_unfinished(
        &mut self,
        inputs: &mut [Input],
        dst: BorrowedFd<'_>,
    ) -> Result<()> {
        for input in inputs {
            self.end_line(input, dst)?;
            input.lock = None;
        }
        Ok(())
    }

    /// Writes `input`'s unfinished line, if any, with a newline.
    pub(super) fn end_line(&mut self, input: &mut Input, dst: BorrowedFd<'_>) -> Result<()> {
        if !input.pending.is_empty() {
            input.pending.push(b'\n');
            self.emit_lines(input, dst)?;
        }
        Ok(())
    }

    /// Writes every complete line in `input.pending`, within the budget.
    pub(super) fn emit_lines(&mut self, input: &mut Input, dst: BorrowedFd<'_>) -> Result<()> {
        let end = match self.lines_left {
            Some(0) => 0,
            Some(left) => NEWLINE
                .cut(&input.pending, left)
                .unwrap_or_else(|| NEWLINE.whole(&input.pending)),
            None => NEWLINE.whole(&input.pending),
        };
        if end == 0 {
            return Ok(());
        }
        let mut out = Vec::with_capacity(end);
        for line in input.pending[..end].split_inclusive(|&b| b == b'\n') {
            out.extend_from_slice(&input.prefix);
            out.extend_from_slice(line);
        }
        self.count_lines(NEWLINE.count(&input.pending[..end]));
        input.pending.drain(..end);
        self.write_out(dst, &out)
    }

    pub(super) fn count_lines(&mut self, lines: u64) {
        if let Some(left) = &mut self.lines_left {
            *left = left.saturating_sub(lines);
        }
    }

    pub(super) fn write_out(&mut self, dst: BorrowedFd<'_>, data: &[u8]) -> Result<()> {
        write_data(dst, self.destination.clone(), data)?;
        Progress::add(&mut self.progress, data);
        Ok(())
    }
}
