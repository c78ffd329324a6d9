package io.pistil.process;

/**
 * How a process ended: with an exit code, killed by a signal, or unknown.
 *
 * @param code the exit code, or -1 when a signal ended the process or the status is
 * unknown
 * @param signal the number of the signal that ended the process, or 0
 */
public record ExitStatus(int code, int signal) {

	/**
	 * The status of a child that something else reaped first: it has ended, how is lost.
	 */
	public static final ExitStatus UNKNOWN = new ExitStatus(-1, 0);

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

	/** Whether the process exited by itself with code 0. */
	public boolean normal() {
		return this.code == 0 && this.signal == 0;
	}

	public boolean unknown() {
		return equals(UNKNOWN);
	}

	/**
	 * Describes the status for a log line, e.g. "exited with code 3" or "was killed by
	 * signal 9 (SIGKILL)".
	 */
	@Override
	public String toString() {
		if (unknown()) {
			return "ended with an unknown status (reaped elsewhere)";
		}
		if (!signalled()) {
			return "exited with code " + this.code;
		}
		String name = UnixSignal.of(this.signal).map((s) -> " (SIG" + s.name() + ")").orElse("");
		return "was killed by signal " + this.signal + name;
	}

}
