package io.pistil.sample;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.it.ArbiterProcess;
import io.pistil.it.ArbiterTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged sample started into a fault: it exits with 1 and Spring Boot's failure
 * report naming the cause and what to do, spawns no worker, and leaves nothing behind.
 */
class StartupFaultsIT extends ArbiterTestSupport {

	private static final Path JAR = Path.of("target", "pistil-sample-app.jar");

	private static final Duration EXIT = Duration.ofSeconds(60);

	@TempDir
	Path directory;

	@Test
	void aRunDirectoryThatCannotBeMadeIsReportedWithTheDirectoryAndWhatToDo() throws Exception {
		Path file = Files.writeString(this.directory.resolve("a-file"), "not a directory");
		Path parent = file.resolve("tmp");

		start(List.of("-Djava.io.tmpdir=" + parent));

		assertFailedWith("Cannot prepare the arbiter's run directory in " + parent + ": ",
				"Make " + parent + " a directory this user can write to");
		assertThat(this.arbiter.output()).contains("Not a directory");
	}

	@Test
	void aPortInUseIsReportedWithThePoolsProperty() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			start(List.of(), "--pistil.workers.fserve.listen=127.0.0.1:" + taken.getLocalPort());

			assertFailedWith("127.0.0.1:" + taken.getLocalPort(), "change pistil.workers.fserve.listen");
		}
	}

	@Test
	void aWorkerClassThatCannotLoadIsReportedWithThePoolsProperty() throws Exception {
		start(List.of(), "--pistil.workers.hello.worker-class=com.example.NoSuchWorker");

		assertFailedWith(
				"Invalid value 'com.example.NoSuchWorker' for property pistil.workers.hello.worker-class: class not found",
				"Update pistil.workers.hello.worker-class in your configuration");
	}

	private void start(List<String> jvmOptions, String... arguments) {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
		command.addAll(jvmOptions);
		command.addAll(List.of("-jar", JAR.toString(), "--server.port=" + SampleHttp.freePort(),
				"--pistil.workers.tcp_pool.children.tcp-hello.listen=127.0.0.1:0",
				"--spring.pid.file=" + this.directory.resolve("app.pid")));
		if (List.of(arguments)
			.stream()
			.noneMatch((argument) -> argument.startsWith("--pistil.workers.fserve.listen"))) {
			command.add("--pistil.workers.fserve.listen=127.0.0.1:0");
		}
		command.addAll(List.of(arguments));
		this.arbiter = ArbiterProcess.startCommand(command, Map.of());
	}

	/** Exit 1, Spring Boot's report of the fault, no worker spawned or left. */
	private void assertFailedWith(String description, String action) throws InterruptedException, IOException {
		assertThat(this.arbiter.awaitExit(EXIT)).as(this.arbiter.output()).isOne();
		String output = this.arbiter.output();
		assertThat(output).contains("APPLICATION FAILED TO START").contains(description).contains(action);
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
		assertThat(runDirectories(this.arbiter.pid())).isEmpty();
	}

	private static List<Path> runDirectories(long pid) throws IOException {
		try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
			return entries.filter((entry) -> entry.getFileName().toString().startsWith("pistil-" + pid + "-")).toList();
		}
	}

}
