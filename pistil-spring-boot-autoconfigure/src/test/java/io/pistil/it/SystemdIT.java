package io.pistil.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.it.EchoPools.Reply;
import io.pistil.process.UnixSignal;

import static io.pistil.it.EchoPools.tcpPool;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The arbiter as a systemd service: its listening socket from socket activation
 * ({@code systemd-socket-activate}, which binds it, waits for a first connection and
 * execs the application with {@code LISTEN_FDS}), and its readiness on
 * {@code NOTIFY_SOCKET}. Needs Debian's systemd package, which {@code .ci/run} installs:
 * without it, the test fails.
 */
class SystemdIT extends ArbiterTestSupport {

	private static final Path SOCKET_ACTIVATE = Path.of("/usr/bin/systemd-socket-activate");

	/** The first descriptor systemd passes (SD_LISTEN_FDS_START). */
	private static final int FIRST_PASSED_FD = 3;

	@Test
	void socketActivationHandsTheArbiterItsSocketAndSystemdHearsReadyThenStopping(@TempDir Path directory)
			throws Exception {
		assertThat(SOCKET_ACTIVATE).as("systemd-socket-activate (.ci/run installs it)").isExecutable();
		int port = freePort();
		InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
		try (NotifySocket systemd = new NotifySocket(directory.resolve("notify"))) {
			List<String> arguments = new ArrayList<>(tcpPool("echo", 2, "127.0.0.1:" + port));
			arguments.add("--spring.main.banner-mode=off");
			this.arbiter = ArbiterProcess.startUnder(
					List.of(SOCKET_ACTIVATE.toString(), "--listen=127.0.0.1:" + port,
							"--setenv=NOTIFY_SOCKET=" + systemd.path()),
					TestApplication.class, arguments.toArray(String[]::new));
			this.arbiter.await("systemd-socket-activate listening", Duration.ofSeconds(30),
					() -> Procfs.listening(this.arbiter.pid()).containsValue(address));
			String socket = socketListeningOn(address);

			// The first connection starts the application; it waits in the socket's queue
			// meanwhile.
			Reply first = EchoPools.ask(address, "first");

			assertThat(first.echo()).isEqualTo("echo first");
			assertThat(this.arbiter.workers("echo")).containsValue(first.pid());
			assertThat(Procfs.listening(this.arbiter.pid())).as("the arbiter listens on systemd's socket, on fd 3")
				.containsExactly(Map.entry(FIRST_PASSED_FD, address));
			assertThat(Procfs.descriptors(this.arbiter.pid()).get(FIRST_PASSED_FD)).isEqualTo(socket);
			assertThat(this.arbiter.workers("echo").values())
				.allSatisfy((worker) -> assertThat(Procfs.descriptors(worker).values())
					.as("worker %d serves systemd's socket", worker)
					.contains(socket));
			assertThat(systemd.receiveState(Duration.ofSeconds(30))).isEqualTo("READY=1");
			assertThat(this.arbiter.workers("echo").values())
				.allSatisfy((worker) -> assertThat(Files.readString(Path.of("/proc/" + worker + "/environ")))
					.doesNotContain("LISTEN_FDS", "NOTIFY_SOCKET"));

			this.arbiter.signal(UnixSignal.TERM);

			assertThat(systemd.receiveState(Duration.ofSeconds(30))).isEqualTo("STOPPING=1");
			assertThat(this.arbiter.awaitExit(Duration.ofSeconds(30))).isZero();
		}
	}

	/** The descriptor target ("socket:[inode]") of the wrapper's listening socket. */
	private String socketListeningOn(InetSocketAddress address) {
		Map<Integer, String> descriptors = Procfs.descriptors(this.arbiter.pid());
		return Procfs.listening(this.arbiter.pid())
			.entrySet()
			.stream()
			.filter((listening) -> listening.getValue().equals(address))
			.map((listening) -> descriptors.get(listening.getKey()))
			.findFirst()
			.orElseThrow();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
