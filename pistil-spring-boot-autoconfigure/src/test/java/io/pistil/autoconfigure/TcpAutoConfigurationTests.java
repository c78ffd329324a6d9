package io.pistil.autoconfigure;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.pistil.it.EchoTcpWorker;
import io.pistil.it.NotifySocket;
import io.pistil.net.ListenException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A tcp pool and systemd's notification in an application context. Every pool has zero
 * workers: the arbiter still listens, and starts no JVM.
 */
class TcpAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PistilAutoConfiguration.class))
		.withPropertyValues("pistil.handle-signals=false", "pistil.workers.echo.type=tcp",
				"pistil.workers.echo.worker-class=" + EchoTcpWorker.class.getName(), "pistil.workers.echo.workers=0");

	@Test
	void tcpPoolListensWhileTheContextRuns() throws IOException {
		int port = freePort();
		this.contextRunner.withPropertyValues("pistil.workers.echo.listen=127.0.0.1:" + port).run((context) -> {
			assertThat(context).hasNotFailed();
			new Socket(InetAddress.getLoopbackAddress(), port).close();
			context.close();
			assertThatExceptionOfType(ConnectException.class)
				.isThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close());
		});
	}

	@Test
	void addressInUseFailsTheStartNamingTheAddressAndTheProperty() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
			String address = "127.0.0.1:" + taken.getLocalPort();
			this.contextRunner.withPropertyValues("pistil.workers.echo.listen=" + address).run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ListenFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.isEqualTo("Pool 'echo' cannot listen on " + address + ": Address already in use (EADDRINUSE).");
				assertThat(analysis.getAction()).isEqualTo(
						"Stop the process that listens on " + address + ", or change pistil.workers.echo.listen.");
			});
		}
	}

	@Test
	void systemdHearsReadyOnceTheApplicationIsReadyAndStoppingOnStop(@TempDir Path directory) throws Exception {
		try (NotifySocket systemd = new NotifySocket(directory.resolve("notify"))) {
			this.contextRunner
				.withPropertyValues("pistil.workers.echo.listen=127.0.0.1:0", "NOTIFY_SOCKET=" + systemd.path())
				.run((context) -> {
					assertThat(context).hasSingleBean(SystemdNotification.class);
					context.publishEvent(
							new ApplicationReadyEvent(new SpringApplication(), new String[0], context, Duration.ZERO));
					assertThat(nextState(systemd)).isEqualTo("READY=1");
					context.close();
					assertThat(nextState(systemd)).isEqualTo("STOPPING=1");
				});
		}
	}

	@Test
	void noNotificationWithoutNotifySocket() {
		this.contextRunner.withPropertyValues("pistil.workers.echo.listen=127.0.0.1:0")
			.run((context) -> assertThat(context).doesNotHaveBean(SystemdNotification.class));
	}

	/** The next datagram that is no status line (the arbiter's loop sends those). */
	private static String nextState(NotifySocket systemd) {
		String message = systemd.receive(Duration.ofSeconds(5));
		while (message != null && message.startsWith("STATUS=")) {
			message = systemd.receive(Duration.ofSeconds(5));
		}
		return message;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
