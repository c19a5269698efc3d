"""Progress of a campaign: done, failed, left and an ETA; a bar redrawn in place on a terminal,
a plain line per finished run otherwise (a log file, CI)."""

import sys
import time


def duration_text(seconds):
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class Progress:
    """Counts the runs of this session. `done` and `failed` start with what the folder already had."""

    def __init__(self, to_run, done=0, failed=0, stream=None, enabled=True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.terminal = enabled and self.stream.isatty()
        self.to_run = to_run
        self.finished = 0
        self.done = done
        self.failed = failed
        self.started = time.monotonic()
        self.total = to_run + done + failed

    @property
    def left(self):
        return self.to_run - self.finished

    def eta(self):
        """From this session's throughput: elapsed per finished run, times the runs left."""
        if self.finished == 0:
            return None
        return (time.monotonic() - self.started) / self.finished * self.left

    def counts(self):
        eta = self.eta()
        return (f"{self.done} done, {self.failed} failed, {self.left} left" +
                (f", ETA {duration_text(eta)}" if eta is not None and self.left else ""))

    def finish_run(self, ok, label, wall_s, problem=None):
        self.finished += 1
        if ok:
            self.done += 1
        else:
            self.failed += 1
        if not self.enabled:
            return
        if problem:
            self._line(f"FAILED {label}: {problem}")
        if self.terminal:
            self._bar()
        else:
            self._line(f"[{self.finished}/{self.to_run}] {label} ({wall_s:.1f} s): {self.counts()}")

    def note(self, text):
        if self.enabled:
            self._line(text)

    def close(self):
        if self.terminal:
            self.stream.write("\n")
            self.stream.flush()

    def _bar(self, width=30):
        filled = int(width * self.finished / self.to_run) if self.to_run else width
        self.stream.write(f"\r\x1b[K[{'#' * filled}{'.' * (width - filled)}] {self.finished}/{self.to_run}: {self.counts()}")
        self.stream.flush()

    def _line(self, text):
        if self.terminal:
            self.stream.write("\r\x1b[K")
        self.stream.write(text + "\n")
        self.stream.flush()
        if self.terminal:
            self._bar()
