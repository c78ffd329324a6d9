package io.pistil.sample;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
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
 * The start-up cache with the packaged sample and real JVMs (its hello pool alone): an
 * archive is made once and reused by later workers and later runs, made anew for a new
 * jar or a new JVM (JDK 25's AOT cache), and a truncated or corrupted one never stops a
 * worker from starting.
 */
class StartupCacheIT extends ArbiterTestSupport {

	private static final Path JAR = Path.of("target", "pistil-sample-app.jar");

	private static final Path JDK_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

	private static final Duration TRAINED = Duration.ofMinutes(2);

	private final int port = SampleHttp.freePort();

	private final ActuatorClient actuator = ActuatorClient.onPort(this.port);

	@TempDir
	Path directory;

	@Test
	void anArchiveIsMadeOnceReusedAndMadeAnewForANewJarOrANewJvm() throws Exception {
		Path cache = this.directory.resolve("cache");
		start(JAR, cache);
		assertThat(startupCache()).as("the first workers, before any archive").containsOnly(false);
		Map<String, Long> made = awaitArchives(cache, 1);
		this.arbiter.signal(UnixSignal.TTIN);
		awaitHello(4);
		assertThat(startupCache(4)).as("a worker spawned once the archive is made").isTrue();
		stop();

		start(JAR, cache);
		assertThat(startupCache()).as("every worker of the next run").containsOnly(true);
		assertThat(archives(cache)).as("the archive, neither made again nor changed").isEqualTo(made);
		stop();

		Path newJar = copyWithNewResource(JAR, this.directory.resolve("new.jar"));
		start(newJar, cache);
		assertThat(startupCache()).as("the first workers of a new jar").containsOnly(false);
		assertThat(awaitArchives(cache, 2)).containsAllEntriesOf(made);
		try (Stream<Path> entries = Files.list(cache)) {
			assertThat(entries.filter((entry) -> entry.getFileName().toString().startsWith("app-")))
				.as("each jar unpacked once")
				.hasSize(2);
		}
		stop();

		assertThat(JDK_25.resolve("bin/java")).as("Temurin 25, which these machines have").isExecutable();
		start(JAR, cache, "--pistil.java-home=" + JDK_25);
		assertThat(startupCache()).as("the first workers on another JVM").containsOnly(false);
		Map<String, Long> withJdk25 = awaitArchives(cache, 3);
		assertThat(withJdk25.keySet()).as("JDK 25's AOT cache").anyMatch((name) -> name.endsWith(".aot"));
		this.arbiter.signal(UnixSignal.TTIN);
		awaitHello(4);
		assertThat(startupCache(4)).as("a JDK 25 worker spawned once its AOT cache is made").isTrue();
	}

	@Test
	void aTruncatedOrCorruptedArchiveNeverStopsAWorkerFromStarting() throws Exception {
		Path cache = this.directory.resolve("cache");
		start(JAR, cache);
		Path archive = Path.of(awaitArchives(cache, 1).keySet().iterator().next());
		stop();

		try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
			file.setLength(file.length() / 2);
		}
		start(JAR, cache);
		assertThat(startupCache()).as("workers beside a truncated archive").containsOnly(false);
		this.arbiter.await("the truncated archive made anew", TRAINED, () -> manifestMatches(archive));
		stop();

		try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
			file.seek(0);
			file.write(new byte[64]);
		}
		rewriteManifest(archive);
		start(JAR, cache);
		assertThat(startupCache()).as("workers given an archive the JVM cannot map").containsOnly(true);
	}

	private void start(Path jar, Path cache, String... more) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=" + this.port,
				"--pistil.cache.directory=" + cache, "--spring.pid.file=" + this.directory.resolve("app.pid")));
		for (String pool : List.of("w1", "w2", "tcp_pool", "grabber", "fserve")) {
			arguments.add("--pistil.workers." + pool + ".workers=0");
		}
		arguments.addAll(List.of(more));
		this.arbiter = ArbiterProcess.startJar(jar, arguments.toArray(String[]::new));
		awaitHello(3);
	}

	private void stop() throws InterruptedException {
		this.arbiter.signal(UnixSignal.TERM);
		assertThat(this.arbiter.awaitExit(READY)).isZero();
		this.arbiter.close();
	}

	private void awaitHello(int ready) {
		this.arbiter.await(ready + " hello workers ready", READY, () -> {
			if (!this.actuator.answers("/actuator/health/readiness", 200)) {
				return false;
			}
			return this.actuator.read("/actuator/pistil").read("$.pools.hello.ready", Integer.class) == ready;
		});
	}

	private List<Boolean> startupCache() {
		DocumentContext pistil = this.actuator.read("/actuator/pistil");
		return pistil.read("$.pools.hello.workers[*].startupCache");
	}

	private boolean startupCache(int number) {
		List<Boolean> found = this.actuator.read("/actuator/pistil")
			.read("$.pools.hello.workers[?(@.number == " + number + ")].startupCache");
		assertThat(found).hasSize(1);
		return found.get(0);
	}

	/**
	 * Waits for this many published archives (a manifest beside each), by path and time.
	 */
	private Map<String, Long> awaitArchives(Path cache, int count) throws IOException {
		this.arbiter.await(count + " archives in " + cache, TRAINED, () -> archives(cache).size() == count);
		return archives(cache);
	}

	private static Map<String, Long> archives(Path cache) throws IOException {
		Map<String, Long> archives = new TreeMap<>();
		try (Stream<Path> entries = Files.list(cache)) {
			for (Path entry : entries.toList()) {
				String name = entry.getFileName().toString();
				Path manifest = entry.resolveSibling(name.replaceFirst("\\.(jsa|aot)$", ".manifest"));
				if (name.matches(".*\\.(jsa|aot)$") && Files.exists(manifest)) {
					archives.put(entry.toString(), Files.getLastModifiedTime(entry).toMillis());
				}
			}
		}
		return archives;
	}

	private static Path manifestOf(Path archive) {
		return archive.resolveSibling(archive.getFileName().toString().replaceFirst("\\.(jsa|aot)$", ".manifest"));
	}

	private static boolean manifestMatches(Path archive) throws Exception {
		if (!Files.exists(manifestOf(archive)) || !Files.exists(archive)) {
			return false;
		}
		Properties manifest = new Properties();
		try (Reader reader = Files.newBufferedReader(manifestOf(archive))) {
			manifest.load(reader);
		}
		return manifest.getProperty("sha256").equals(sha256(archive));
	}

	/** Makes the manifest vouch for the archive as it is now: only the JVM can tell. */
	private static void rewriteManifest(Path archive) throws Exception {
		Properties manifest = new Properties();
		manifest.setProperty("size", String.valueOf(Files.size(archive)));
		manifest.setProperty("sha256", sha256(archive));
		try (Writer writer = Files.newBufferedWriter(manifestOf(archive))) {
			manifest.store(writer, null);
		}
	}

	private static String sha256(Path file) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
	}

	/** The sample jar with one more resource: a class path whose contents differ. */
	private static Path copyWithNewResource(Path jar, Path copy) throws IOException {
		Files.copy(jar, copy);
		try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + copy.toUri()), Map.of())) {
			Files.writeString(zip.getPath("BOOT-INF/classes/startup-cache-it.txt"), "a new resource",
					StandardCharsets.UTF_8);
		}
		return copy;
	}

}
