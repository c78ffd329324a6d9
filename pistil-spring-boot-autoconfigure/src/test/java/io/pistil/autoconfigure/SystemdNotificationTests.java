package io.pistil.autoconfigure;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.pistil.arbiter.ArbiterState;
import io.pistil.arbiter.ChildType;
import io.pistil.arbiter.PoolState;
import io.pistil.arbiter.Snapshots.ArbiterSnapshot;
import io.pistil.arbiter.Snapshots.PoolSnapshot;
import io.pistil.net.Systemd;
import io.pistil.process.ListeningSocket;
import io.pistil.process.SocketControl;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What systemd hears from the arbiter's loop: keep-alives for its watchdog, status lines,
 * and reloads.
 */
class SystemdNotificationTests {

	private final List<String> sent = new CopyOnWriteArrayList<>();

	private final SocketControl sockets = new SocketControl() {

		@Override
		public ListeningSocket listen(SocketAddress address, int backlog) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Optional<SocketAddress> listeningAddress(int fd) {
			return Optional.empty();
		}

		@Override
		public void close(int fd) {
		}

		@Override
		public void sendDatagram(String path, byte[] message) {
			SystemdNotificationTests.this.sent.add(new String(message, StandardCharsets.UTF_8));
		}

	};

	@Test
	void theLoopsBeatsFeedTheWatchdogAtMostTwicePerIntervalAndStatusLinesFollowThePools() {
		SystemdNotification systemd = new SystemdNotification("/run/notify", this.sockets, Duration.ofHours(1));

		systemd.beat(snapshot(ArbiterState.STARTING, pool("hello", PoolState.RUNNING, 1, 3)));
		systemd.beat(snapshot(ArbiterState.STARTING, pool("hello", PoolState.RUNNING, 1, 3)));

		assertThat(this.sent).containsExactly(Systemd.WATCHDOG, "STATUS=pistil STARTING: hello 1/3");
	}

	@Test
	void withoutAWatchdogNoKeepAliveIsSent() {
		SystemdNotification systemd = new SystemdNotification("/run/notify", this.sockets, null);

		systemd.beat(snapshot(ArbiterState.RUNNING, pool("hello", PoolState.RUNNING, 3, 3)));

		assertThat(this.sent).containsExactly("STATUS=pistil RUNNING: hello 3/3");
	}

	@Test
	void aReloadOnceReadyIsReloadingThenReadyAgain() {
		SystemdNotification systemd = new SystemdNotification("/run/notify", this.sockets, null);
		systemd.ready();
		this.sent.clear();

		systemd.beat(snapshot(ArbiterState.RUNNING, pool("hello", PoolState.RELOADING, 3, 3)));
		systemd.beat(snapshot(ArbiterState.RUNNING, pool("hello", PoolState.RUNNING, 3, 3)));

		assertThat(this.sent).filteredOn((message) -> !message.startsWith("STATUS="))
			.satisfiesExactly((reloading) -> assertThat(reloading).startsWith("RELOADING=1\nMONOTONIC_USEC="),
					(ready) -> assertThat(ready).isEqualTo(Systemd.READY));
	}

	@Test
	void theWatchdogIntervalIsThisProcesssOnly() {
		assertThat(Systemd.watchdogInterval(java.util.Map.of("WATCHDOG_USEC", "30000000"), 7))
			.contains(Duration.ofSeconds(30));
		assertThat(Systemd.watchdogInterval(java.util.Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "8"), 7))
			.isEmpty();
		assertThat(Systemd.watchdogInterval(java.util.Map.of("WATCHDOG_USEC", "soon"), 7)).isEmpty();
		assertThat(Systemd.watchdogInterval(java.util.Map.of(), 7)).isEmpty();
	}

	private static ArbiterSnapshot snapshot(ArbiterState state, PoolSnapshot... pools) {
		return new ArbiterSnapshot(1, state, Instant.now(), List.of(pools));
	}

	private static PoolSnapshot pool(String name, PoolState state, int ready, int desired) {
		return new PoolSnapshot(name, ChildType.WORKER, state, desired, ready, ready, 0, 64, 0, 0, List.of());
	}

}
