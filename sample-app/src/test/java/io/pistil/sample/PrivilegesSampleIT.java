package io.pistil.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.jayway.jsonpath.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.it.ActuatorClient;
import io.pistil.it.ArbiterProcess;
import io.pistil.it.ArbiterTestSupport;
import io.pistil.process.UnixSignal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged sample run as root with its hello pool switched to {@code nobody}: the
 * hello workers boot, beat and are replaced as {@code nobody}, the other pools keep the
 * arbiter's user, and {@code nobody} reaches neither the run directory's listing nor the
 * arbiter's files, only its own pool's.
 */
class PrivilegesSampleIT extends ArbiterTestSupport {

	private static final Path JAR = Path.of("target", "pistil-sample-app.jar");

	private static final long NOBODY = 65534;

	private final int port = SampleHttp.freePort();

	private final ActuatorClient actuator = ActuatorClient.onPort(this.port);

	@TempDir
	Path directory;

	@Test
	void theHelloPoolRunsAsNobodyAndNobodyReachesOnlyItsOwnFiles() throws Exception {
		assertThat(uid(ProcessHandle.current().pid())).as("this test runs as root, as CI does").isZero();
		this.arbiter = ArbiterProcess.startJar(JAR, "--server.port=" + this.port,
				"--pistil.workers.tcp_pool.children.tcp-hello.listen=127.0.0.1:0",
				"--pistil.workers.fserve.listen=127.0.0.1:0", "--spring.pid.file=" + this.directory.resolve("app.pid"),
				"--pistil.workers.hello.user=nobody", "--pistil.workers.hello.group=nogroup");
		awaitHealthy();

		Map<Integer, Long> hello = this.arbiter.workers("hello");
		assertThat(hello).hasSize(3);
		hello.values().forEach((pid) -> assertThat(ids(pid)).as("hello worker " + pid).containsExactly(NOBODY, NOBODY));
		for (String pool : List.of("w1", "w2", "tcp_pool", "grabber", "fserve")) {
			this.arbiter.workers(pool)
				.values()
				.forEach((pid) -> assertThat(ids(pid)).as(pool + " worker " + pid).containsExactly(0L, 0L));
		}

		Path runDirectory = runDirectory(this.arbiter.pid());
		assertThat(Files.getPosixFilePermissions(runDirectory)).as("the run directory, for other users")
			.doesNotContain(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
					PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE);
		Path helloFiles;
		try (Stream<Path> entries = Files.list(runDirectory)) {
			helloFiles = entries.filter((entry) -> entry.getFileName().toString().startsWith("pool-hello-"))
				.findFirst()
				.orElseThrow();
		}
		assertThat(Files.getOwner(helloFiles).getName()).isEqualTo("nobody");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(helloFiles))).isEqualTo("rwx------");
		assertThat(asNobody("test -w '" + helloFiles + "/scoreboard'")).as("nobody writes its own pool's slots")
			.isZero();
		assertThat(asNobody("ls '" + runDirectory + "'")).as("nobody lists the run directory").isNotZero();
		assertThat(asNobody("cat '" + runDirectory + "/scoreboard'")).as("nobody reads the other pools' slots")
			.isNotZero();
		assertThat(asNobody(": > '" + runDirectory + "/scoreboard'")).as("nobody writes the other pools' slots")
			.isNotZero();
		assertThat(asNobody("cat '" + runDirectory + "/lock'")).as("nobody reads the arbiter's lock").isNotZero();

		long killed = hello.get(2);
		ArbiterProcess.signal(killed, UnixSignal.KILL);
		this.arbiter.await("the killed hello worker replaced", READY,
				() -> !this.arbiter.workers("hello").containsValue(killed)
						&& this.arbiter.workers("hello").size() == 3);
		awaitHealthy();
		assertThat(ids(this.arbiter.workers("hello").get(2))).as("its replacement").containsExactly(NOBODY, NOBODY);
	}

	private void awaitHealthy() {
		this.arbiter.await("the sample healthy with 3 hello workers ready", READY, () -> {
			if (!this.actuator.answers("/actuator/health/readiness", 200)) {
				return false;
			}
			DocumentContext pistil = this.actuator.read("/actuator/pistil");
			return pistil.read("$.pools.hello.ready", Integer.class) == 3
					&& this.actuator.answers("/actuator/health", 200);
		});
	}

	/** The real and effective uid, then the real gid, of a process. */
	private static List<Long> ids(long pid) {
		try {
			List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
			String[] uids = field(status, "Uid:");
			String[] gids = field(status, "Gid:");
			assertThat(uids[0]).as("real and effective uid of " + pid).isEqualTo(uids[1]);
			return List.of(Long.parseLong(uids[1]), Long.parseLong(gids[0]));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static long uid(long pid) {
		return ids(pid).get(0);
	}

	private static String[] field(List<String> status, String name) {
		return status.stream()
			.filter((line) -> line.startsWith(name))
			.findFirst()
			.orElseThrow()
			.substring(name.length())
			.trim()
			.split("\\s+");
	}

	/** Runs a shell command as nobody and returns its exit status. */
	private static int asNobody(String command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--",
				"/bin/sh", "-c", command)
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		try {
			assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(command).isTrue();
			return process.exitValue();
		}
		finally {
			process.destroyForcibly();
		}
	}

	private static Path runDirectory(long pid) throws IOException {
		try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
			return entries.filter((entry) -> entry.getFileName().toString().startsWith("pistil-" + pid + "-"))
				.findFirst()
				.orElseThrow(() -> new AssertionError("No run directory for arbiter " + pid));
		}
	}

}
