package io.pistil.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.process.UnixSignal;

import static io.pistil.it.ArbiterProcess.pool;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The arbiter under systemd's watchdog ({@code WatchdogSec=}: {@code WATCHDOG_USEC}): its
 * loop sends the keep-alives, with status lines, and says when a reload begins and ends.
 */
class SystemdWatchdogIT extends ArbiterTestSupport {

	@Test
	void theLoopFeedsTheWatchdogReportsThePoolsAndEachReload(@TempDir Path directory) throws Exception {
		try (NotifySocket systemd = new NotifySocket(directory.resolve("notify"))) {
			this.arbiter = ArbiterProcess.startUnder(
					List.of("env", "NOTIFY_SOCKET=" + systemd.path(), "WATCHDOG_USEC=1000000"), TestApplication.class,
					pool("ticks", TickWorker.class, 2).toArray(String[]::new));
			List<String> heard = new ArrayList<>();
			// The loop's status and the application's readiness come from two threads, in
			// either order.
			awaitDatagram(systemd, heard, "READY=1"::equals, "STATUS=pistil RUNNING: ticks 2/2"::equals);
			int keepAlives = (int) heard.stream().filter("WATCHDOG=1"::equals).count();
			for (int more = 0; more < 3; more++) {
				awaitDatagram(systemd, heard, "WATCHDOG=1"::equals);
			}
			assertThat(heard.stream().filter("WATCHDOG=1"::equals)).hasSize(keepAlives + 3);

			this.arbiter.signal(UnixSignal.HUP);

			awaitDatagram(systemd, heard, (message) -> message.startsWith("RELOADING=1\nMONOTONIC_USEC="));
			awaitDatagram(systemd, heard, "READY=1"::equals);
			assertThat(this.arbiter.workers("ticks")).hasSize(2);
			this.arbiter.signal(UnixSignal.TERM);
			awaitDatagram(systemd, heard, "STOPPING=1"::equals);
			assertThat(this.arbiter.awaitExit(Duration.ofSeconds(30))).isZero();
			assertThat(this.arbiter.spawnedPids())
				.allSatisfy((worker) -> assertThat(ProcessHandle.of(worker)).isEmpty());
		}
	}

	/**
	 * Receives until each of the wanted datagrams has come, in any order, keeping every
	 * one; fails after 90 s without.
	 */
	@SafeVarargs
	private static void awaitDatagram(NotifySocket systemd, List<String> heard, Predicate<String>... wanted) {
		List<Predicate<String>> missing = new ArrayList<>(List.of(wanted));
		long deadline = System.nanoTime() + READY.toNanos();
		while (System.nanoTime() < deadline) {
			String message = systemd.receive(Duration.ofSeconds(5));
			if (message != null) {
				heard.add(message);
				missing.stream().filter((predicate) -> predicate.test(message)).findFirst().ifPresent(missing::remove);
				if (missing.isEmpty()) {
					return;
				}
			}
		}
		throw new AssertionError("No such datagram within " + READY + "; heard " + heard);
	}

}
