package io.pistil.it;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.process.UnixSignal;

import static io.pistil.it.ArbiterProcess.pool;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An arbiter started with SIGCHLD ignored, as some init scripts and container runtimes
 * start services: the kernel would reap its workers behind its back. It resets SIGCHLD,
 * learns how each worker ended, restarts a killed one and stops cleanly.
 */
class ReapingIT extends ArbiterTestSupport {

	@Test
	void anArbiterStartedWithSigchldIgnoredStillReapsRestartsAndStops() throws Exception {
		List<String> arguments = new ArrayList<>(pool("ticks", TickWorker.class, 2));
		arguments.add("--spring.main.banner-mode=off");
		this.arbiter = ArbiterProcess.startUnder(List.of("perl", "-e", "$SIG{CHLD} = 'IGNORE'; exec @ARGV or die $!"),
				TestApplication.class, arguments.toArray(String[]::new));
		this.arbiter.awaitReady(READY);
		this.arbiter.await("two ready workers", READY,
				() -> this.arbiter.workers("ticks").size() == 2 && this.arbiter.readyInScoreboard() == 2);
		assertThat(ignoredSignals(this.arbiter.pid()).testBit(UnixSignal.CHLD.number() - 1))
			.as("SIGCHLD ignored in the arbiter")
			.isFalse();
		long killed = this.arbiter.workers("ticks").get(1);

		ArbiterProcess.signal(killed, UnixSignal.KILL);

		this.arbiter.await("a replacement of the killed worker", READY, () -> this.arbiter.workers("ticks").size() == 2
				&& !this.arbiter.workers("ticks").containsValue(killed) && this.arbiter.readyInScoreboard() == 2);
		this.arbiter.signal(UnixSignal.TERM);
		assertThat(this.arbiter.awaitExit(Duration.ofSeconds(30))).isZero();
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
	}

	@Test
	void whatAWorkerStartedDiesWithItsProcessGroupWhenTheWorkerIsKilled(@TempDir Path pids) throws Exception {
		List<String> arguments = new ArrayList<>(pool("parents", SubprocessWorker.class, 1));
		arguments.add("--pistil.workers.parents.args.pids=" + pids);
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.await("a worker and its sleep", READY, () -> this.arbiter.workers("parents").size() == 1
				&& Files.exists(pids.resolve(Long.toString(this.arbiter.workers("parents").get(1)))));
		long worker = this.arbiter.workers("parents").get(1);
		long sleep = Long.parseLong(Files.readString(pids.resolve(Long.toString(worker))));
		ProcessHandle sleeping = ProcessHandle.of(sleep).orElseThrow();

		ArbiterProcess.signal(worker, UnixSignal.KILL);

		this.arbiter.await("the worker's sleep gone with it", READY, () -> !sleeping.isAlive());
		this.arbiter.await("a replacement", READY, () -> this.arbiter.workers("parents").size() == 1
				&& !this.arbiter.workers("parents").containsValue(worker));
	}

	/** Without this, the first test would prove nothing. */
	@Test
	void theWrapperDoesIgnoreSigchld() throws Exception {
		Process wrapped = new ProcessBuilder("perl", "-e", "$SIG{CHLD} = 'IGNORE'; exec @ARGV or die $!", "sleep", "30")
			.start();
		try {
			Path status = Path.of("/proc", Long.toString(wrapped.pid()), "status");
			Awaitility.await("the wrapper to exec sleep")
				.atMost(Duration.ofSeconds(10))
				.until(() -> Files.readString(status).contains("Name:\tsleep"));
			assertThat(ignoredSignals(wrapped.pid()).testBit(UnixSignal.CHLD.number() - 1)).isTrue();
		}
		finally {
			wrapped.destroyForcibly().waitFor();
		}
	}

	/**
	 * A process's ignored signals, as /proc/&lt;pid&gt;/status shows them: bit n-1 for
	 * signal n.
	 */
	private static BigInteger ignoredSignals(long pid) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
			if (line.startsWith("SigIgn:")) {
				return new BigInteger(line.substring("SigIgn:".length()).trim(), 16);
			}
		}
		throw new AssertionError("No SigIgn line for " + pid);
	}

}
