package io.pistil.autoconfigure;

import org.springframework.boot.ExitCodeGenerator;

import io.pistil.process.UnixSignal;

/**
 * Fails the application's start when SIGTERM or SIGINT came while its workers were
 * starting: every worker has been stopped. The application exits with 128 plus the
 * signal's number (143 for SIGTERM, 130 for SIGINT), as a JVM killed by the signal would.
 */
public class StoppedWhileStartingException extends RuntimeException implements ExitCodeGenerator {

	private final UnixSignal signal;

	StoppedWhileStartingException(UnixSignal signal) {
		super("Stopped by SIG" + signal + " while the workers were starting; every worker has been stopped");
		this.signal = signal;
	}

	public UnixSignal getSignal() {
		return this.signal;
	}

	@Override
	public int getExitCode() {
		return 128 + this.signal.number();
	}

}
