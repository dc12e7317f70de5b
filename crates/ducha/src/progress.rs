//! Progress of long console work (demo seeding, the benchmark, rebuilds, backups): a bar on a
//! terminal (indicatif), and off a terminal a plain log line every few seconds plus one at the
//! end, so a log collector sees the work move without a bar's control characters.
//!
//! ```ignore
//! let p = Progress::new("backup", total_pages);   // 0 when unknown yet
//! p.phase("copy");                                 // optional: what is being done now
//! p.set_length(n);                                 // once the total is known
//! p.inc(1);                                        // or p.set(done)
//! p.finish("1 234 pages copied");                  // clears the bar, logs the outcome
//! ```
//!
//! Clones share one bar, so a task may hand a clone to the code that does the work.

use indicatif::{ProgressBar, ProgressStyle};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Seconds between plain lines off a terminal.
const LINE_EVERY: Duration = Duration::from_secs(5);

/// One piece of long work's progress.
#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
    task: &'static str,
    terminal: bool,
    /// When the last plain line was written, and the phase then.
    line: Arc<Mutex<(Instant, String)>>,
    started: Instant,
}

impl Progress {
    /// Starts the progress of `task` over `total` steps (0: unknown until
    /// [`set_length`](Self::set_length)). The bar draws on stderr when it is a terminal.
    pub fn new(task: &'static str, total: u64) -> Self {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix} {msg:14} [{bar:40}] {pos}/{len} {per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_prefix(task);
        let terminal = !bar.is_hidden();
        let now = Instant::now();
        Self {
            bar,
            task,
            terminal,
            line: Arc::new(Mutex::new((now, String::new()))),
            started: now,
        }
    }

    /// The task's name.
    pub fn task(&self) -> &'static str {
        self.task
    }

    /// Names what is being done now (shown in the bar and in the plain lines).
    pub fn phase(&self, phase: &str) {
        self.bar.set_message(phase.to_string());
        if let Ok(mut l) = self.line.lock()
            && l.1 != phase
        {
            l.1 = phase.to_string();
            // A new phase gets its line at once.
            l.0 = Instant::now().checked_sub(LINE_EVERY).unwrap_or(l.0);
        }
        self.tick();
    }

    /// Sets the total number of steps.
    pub fn set_length(&self, total: u64) {
        self.bar.set_length(total);
    }

    /// Moves to `done` steps.
    pub fn set(&self, done: u64) {
        self.bar.set_position(done);
        self.tick();
    }

    /// Adds `n` steps.
    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
        self.tick();
    }

    /// Prints a line of results above the bar (on stderr, as before the bar).
    pub fn println(&self, line: &str) {
        if self.terminal {
            self.bar.println(line);
        } else {
            eprintln!("{line}");
        }
    }

    /// Clears the bar and logs `outcome` with the time taken.
    pub fn finish(&self, outcome: &str) {
        self.bar.finish_and_clear();
        tracing::info!(
            task = self.task,
            seconds = self.started.elapsed().as_secs_f64(),
            "{}: {outcome}",
            self.task
        );
    }

    /// Off a terminal: a plain line when the last one is old enough.
    fn tick(&self) {
        if self.terminal {
            return;
        }
        let Ok(mut l) = self.line.lock() else { return };
        if l.0.elapsed() < LINE_EVERY {
            return;
        }
        l.0 = Instant::now();
        let (done, total) = (self.bar.position(), self.bar.length().unwrap_or(0));
        tracing::info!(
            task = self.task,
            phase = %l.1,
            done,
            total,
            "{}: {} {done}/{total}",
            self.task,
            l.1
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_a_terminal_the_bar_is_hidden_and_counts_still_move() {
        // Counting does not depend on whether a bar is drawn (a developer's terminal draws one).
        let p = Progress::new("test", 0);
        p.set_length(10);
        p.phase("one");
        p.inc(3);
        p.set(7);
        assert_eq!(p.bar.position(), 7);
        assert_eq!(p.bar.length(), Some(10));
        p.finish("done");
    }
}
