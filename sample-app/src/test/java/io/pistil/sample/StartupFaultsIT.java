package io.pistil.sample;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
 * Some faults need root (a full disk is a small tmpfs; a non-root arbiter is one started
 * as nobody), as CI has.
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

	@Test
	void aUserThatDoesNotExistIsReportedWithThePoolsProperty() throws Exception {
		start(List.of(), "--pistil.workers.hello.user=no-such-user-here");

		assertFailedWith("Invalid value 'no-such-user-here' for property pistil.workers.hello.user: "
				+ "there is no user of this name or id on this machine", "Update pistil.workers.hello.user");
	}

	@Test
	void anArbiterNotRunningAsRootAskedToSwitchUserIsReportedWithThePoolsProperty() throws Exception {
		// nobody must reach the jar: a directory of its own, not the build's.
		Path readable = Files.createTempDirectory("pistil-faults-",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
		try {
			Path jar = Files.copy(JAR, readable.resolve("sample.jar"));
			Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
			start(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"), jar, List.of(),
					"--pistil.workers.hello.user=nobody");

			assertFailedWith(
					"Invalid value 'nobody' for property pistil.workers.hello.user: switching a pool's "
							+ "user needs an arbiter running as root; this one runs as uid 65534",
					"Update pistil.workers.hello.user");
		}
		finally {
			deleteTree(readable);
		}
	}

	@Test
	void aJavaThatIsNotExecutableIsReportedWithTheProperty() throws Exception {
		Path javaHome = Files.createDirectories(this.directory.resolve("jdk/bin")).getParent();
		Files.writeString(javaHome.resolve("bin/java"), "#!/bin/sh\n");

		start(List.of(), "--pistil.java-home=" + javaHome);

		assertFailedWith("Invalid value '" + javaHome + "' for configuration property 'pistil.java-home'",
				"the workers would run " + javaHome.resolve("bin/java") + ", which is not an executable file");
	}

	@Test
	void aDiskThatFillsWhileTheJarIsUnpackedIsReportedAndNothingIsLeft() throws Exception {
		assertFullDiskReported("4m", "Cannot unpack " + JAR + " for the workers: No space left on device");
	}

	@Test
	void aDiskTooFullForTheScoreboardIsReportedAndNothingIsLeft() throws Exception {
		assertFullDiskReported("32k", "Cannot map scoreboard ");
	}

	/** A small tmpfs as java.io.tmpdir: the run directory fills it. */
	private void assertFullDiskReported(String size, String cause) throws Exception {
		Path full = Files.createDirectory(this.directory.resolve("full"));
		mount(full, size);
		try {
			start(List.of("-Djava.io.tmpdir=" + full));

			assertFailedWith("Cannot prepare the arbiter's run directory in " + full + ": " + cause,
					"Make " + full + " a directory this user can write to, with free space");
			assertThat(this.arbiter.output()).contains("No space left on device");
			try (Stream<Path> left = Files.list(full)) {
				assertThat(left).as("what the arbiter left on the full disk").isEmpty();
			}
		}
		finally {
			if (this.arbiter != null) {
				this.arbiter.close();
			}
			run(List.of("umount", full.toString()));
		}
	}

	private static void mount(Path directory, String size) throws Exception {
		run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", directory.toString()));
	}

	private static void run(List<String> command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor()).as(command + " (this test runs as root, as CI does): " + output).isZero();
	}

	private static void deleteTree(Path directory) throws IOException {
		try (Stream<Path> files = Files.walk(directory)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

	private void start(List<String> jvmOptions, String... arguments) {
		start(List.of(), JAR, jvmOptions, arguments);
	}

	private void start(List<String> wrapper, Path jar, List<String> jvmOptions, String... arguments) {
		List<String> command = new ArrayList<>(wrapper);
		command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
		command.addAll(jvmOptions);
		command.addAll(List.of("-jar", jar.toString(), "--server.port=" + SampleHttp.freePort(),
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
