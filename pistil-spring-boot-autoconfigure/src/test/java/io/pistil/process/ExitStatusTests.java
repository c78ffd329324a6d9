package io.pistil.process;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decodes {@code waitpid(2)} status words: the exit code sits in bits 8-15, the
 * terminating signal in bits 0-6, and bit 7 flags a core dump.
 */
class ExitStatusTests {

	@Test
	void zeroIsACleanExit() {
		ExitStatus status = ExitStatus.fromWaitStatus(0);
		assertThat(status).isEqualTo(new ExitStatus(0, 0));
		assertThat(status.signalled()).isFalse();
		assertThat(status).hasToString("exited with code 0");
	}

	@Test
	void exitCodeIsReadFromTheSecondByte() {
		ExitStatus status = ExitStatus.fromWaitStatus(3 << 8);
		assertThat(status).isEqualTo(new ExitStatus(3, 0));
		assertThat(status.signalled()).isFalse();
		assertThat(status).hasToString("exited with code 3");
	}

	@Test
	void exitCode255IsNotReadAsNegative() {
		ExitStatus status = ExitStatus.fromWaitStatus(0xff00);
		assertThat(status).isEqualTo(new ExitStatus(255, 0));
		assertThat(status).hasToString("exited with code 255");
	}

	@Test
	void processKilledBySigkillIsSignalledWithoutExitCode() {
		ExitStatus status = ExitStatus.fromWaitStatus(9);
		assertThat(status).isEqualTo(new ExitStatus(-1, 9));
		assertThat(status.signalled()).isTrue();
		assertThat(status).hasToString("was killed by signal 9 (SIGKILL)");
	}

	@Test
	void processKilledBySigtermIsNamed() {
		ExitStatus status = ExitStatus.fromWaitStatus(15);
		assertThat(status).isEqualTo(new ExitStatus(-1, 15));
		assertThat(status).hasToString("was killed by signal 15 (SIGTERM)");
	}

	@Test
	void coreDumpFlagDoesNotChangeTheSignal() {
		ExitStatus status = ExitStatus.fromWaitStatus(0x80 | 11);
		assertThat(status).isEqualTo(new ExitStatus(-1, 11));
		assertThat(status).hasToString("was killed by signal 11 (SIGSEGV)");
	}

	@Test
	void signalWithoutANameIsShownByNumberOnly() {
		ExitStatus status = ExitStatus.fromWaitStatus(40);
		assertThat(status).isEqualTo(new ExitStatus(-1, 40));
		assertThat(status.signalled()).isTrue();
		assertThat(status).hasToString("was killed by signal 40");
	}

}
