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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.it.EchoPools.Reply;
import io.pistil.process.UnixSignal;

import static io.pistil.it.EchoPools.tcpPool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The arbiter as a systemd service: its listening socket from socket activation
 * ({@code systemd-socket-activate}, which binds it, waits for a first connection and
 * execs the application with {@code LISTEN_FDS}), and its readiness on
 * {@code NOTIFY_SOCKET}.
 */
class SystemdIT extends ArbiterTestSupport {

	private static final Path SOCKET_ACTIVATE = Path.of("/usr/bin/systemd-socket-activate");

	@Test
	void socketActivationHandsTheArbiterItsSocketAndSystemdHearsReadyThenStopping(@TempDir Path directory)
			throws Exception {
		assumeTrue(Files.isExecutable(SOCKET_ACTIVATE),
				"systemd-socket-activate is not installed (.ci/run installs it)");
		int port = freePort();
		String address = "127.0.0.1:" + port;
		try (NotifySocket systemd = new NotifySocket(directory.resolve("notify"))) {
			List<String> arguments = new ArrayList<>(tcpPool("echo", 2, address));
			arguments.add("--spring.main.banner-mode=off");
			this.arbiter = ArbiterProcess.startUnder(
					List.of(SOCKET_ACTIVATE.toString(), "--listen=" + address,
							"--setenv=NOTIFY_SOCKET=" + systemd.path()),
					TestApplication.class, arguments.toArray(String[]::new));
			this.arbiter.awaitLine((line) -> line.contains("Listening on " + address + " as 3."),
					Duration.ofSeconds(30));

			// The first connection starts the application; it waits in the socket's queue
			// meanwhile.
			Reply first = EchoPools.ask(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), "first");

			assertThat(first.echo()).isEqualTo("echo first");
			assertThat(this.arbiter.workers("echo")).containsValue(first.pid());
			assertThat(this.arbiter.output())
				.contains("pool echo listening on " + address + " (socket activation, fd 3)");
			assertThat(systemd.receive(Duration.ofSeconds(30))).isEqualTo("READY=1");
			this.arbiter.awaitLine((line) -> line.contains("told systemd the application is ready (READY=1)"),
					Duration.ofSeconds(10));
			assertThat(this.arbiter.workers("echo").values())
				.allSatisfy((worker) -> assertThat(Files.readString(Path.of("/proc/" + worker + "/environ")))
					.doesNotContain("LISTEN_FDS", "NOTIFY_SOCKET"));

			this.arbiter.signal(UnixSignal.TERM);

			assertThat(systemd.receive(Duration.ofSeconds(30))).isEqualTo("STOPPING=1");
			assertThat(this.arbiter.awaitExit(Duration.ofSeconds(30))).isZero();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
