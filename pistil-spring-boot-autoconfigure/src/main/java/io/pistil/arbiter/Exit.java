package io.pistil.arbiter;

import java.util.Optional;

import io.pistil.process.ExitStatus;

/**
 * A worker's end, as the reaper found it.
 *
 * @param worker the worker, now exited
 * @param status how its process ended
 * @param cause why, as the arbiter classifies it
 * @param bootError the error it reported if its context failed to start
 */
record Exit(WorkerProcess worker, ExitStatus status, ExitCause cause, Optional<String> bootError) {

	/**
	 * What the worker had to say: its boot error, else the last lines it printed.
	 * @return the report
	 */
	String report() {
		return this.bootError.orElseGet(() -> Launcher.lastWords(this.worker));
	}

	/** Whether the arbiter asked for this end. */
	boolean requested() {
		return this.cause == ExitCause.REQUESTED || this.cause == ExitCause.RECYCLED;
	}

}
