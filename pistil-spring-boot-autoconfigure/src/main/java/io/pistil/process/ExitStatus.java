package io.pistil.process;

/**
 * How a process ended: with an exit code, or killed by a signal.
 *
 * @param code the exit code, or -1 when a signal ended the process
 * @param signal the number of the signal that ended the process, or 0
 */
public record ExitStatus(int code, int signal) {

	/**
	 * Decodes a status word as {@code waitpid(2)} fills it.
	 * @param status the status word
	 * @return the exit status
	 */
	public static ExitStatus fromWaitStatus(int status) {
		int termSignal = status & 0x7f;
		if (termSignal == 0) {
			return new ExitStatus((status >> 8) & 0xff, 0);
		}
		return new ExitStatus(-1, termSignal);
	}

	public boolean signalled() {
		return this.signal != 0;
	}

	/**
	 * Describes the status for a log line, e.g. "exited with code 3" or "was killed by
	 * signal 9 (SIGKILL)".
	 */
	@Override
	public String toString() {
		if (!signalled()) {
			return "exited with code " + this.code;
		}
		String name = UnixSignal.of(this.signal).map((s) -> " (SIG" + s.name() + ")").orElse("");
		return "was killed by signal " + this.signal + name;
	}

}
