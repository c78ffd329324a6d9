package io.pistil.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The workers' start-up cache in a directory that outlives the arbiter. One archive per
 * key (the class path's jars and their contents, the JVM, the JVM options that shape an
 * archive, pistil's version), trained once by a run of one of the pool's workers that
 * stops after its context refresh. Until an archive is ready, workers start without one;
 * an archive that a worker failed to start with is discarded. Every step is safe against
 * other arbiters on the machine sharing the directory: training holds a file lock, and an
 * archive is written under another name, checked by a JVM that must map it, then renamed,
 * its manifest last.
 */
public final class StartupCache implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(StartupCache.class);

	/**
	 * One training at a time in this JVM, beside booting workers: it costs a JVM start or
	 * two.
	 */
	private static final ExecutorService trainer = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "pistil-cache-trainer");
		thread.setDaemon(true);
		return thread;
	});

	private static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(3);

	private static final Set<PosixFilePermission> PUBLIC_DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");

	/**
	 * Options with which the user manages class sharing: the cache keeps out of the way.
	 */
	private static final List<String> SHARING_OPTIONS = List.of("-Xshare:", "-XX:SharedArchiveFile",
			"-XX:ArchiveClassesAtExit", "-XX:AOTCache", "-XX:AOTMode", "-XX:AOTConfiguration", "-XX:AOTCacheOutput");

	private final Path directory;

	private final JavaRuntime runtime;

	private final ArchiveKind kind;

	private final String classPath;

	private final String classPathDigest;

	private final Map<String, Archive> archives = new ConcurrentHashMap<>();

	private final Map<String, BootTimes> bootTimes = new ConcurrentHashMap<>();

	private final Set<Process> trainings = ConcurrentHashMap.newKeySet();

	private volatile boolean closed;

	private StartupCache(Path directory, JavaRuntime runtime, ArchiveKind kind, String classPath,
			String classPathDigest) {
		this.directory = directory;
		this.runtime = runtime;
		this.kind = kind;
		this.classPath = classPath;
		this.classPathDigest = classPathDigest;
	}

	/**
	 * Opens the cache for workers of a JVM and class path, making its directory if need
	 * be.
	 * @param directory the cache directory
	 * @param runtime the workers' JVM
	 * @param classPath the workers' class path
	 * @return the cache, or empty (and the reason logged) when these workers cannot have
	 * one
	 */
	public static Optional<StartupCache> open(Path directory, JavaRuntime runtime, String classPath) {
		ArchiveKind kind = ArchiveKind.of(runtime.featureVersion());
		if (kind == null) {
			logger.info("pistil: no start-up cache for the workers: " + runtime.description()
					+ " has no application class archives");
			return Optional.empty();
		}
		try {
			String notJar = List.of(classPath.split(java.io.File.pathSeparator))
				.stream()
				.filter((entry) -> !entry.endsWith(".jar") || !Files.isRegularFile(Path.of(entry)))
				.findFirst()
				.orElse(null);
			if (notJar != null) {
				logger.info("pistil: no start-up cache for the workers: their class path has " + notJar
						+ ", and the JVM archives classes from jars only");
				return Optional.empty();
			}
			StringBuilder digest = new StringBuilder();
			for (String entry : classPath.split(java.io.File.pathSeparator)) {
				digest.append(Digests.ofJar(Path.of(entry))).append('\n');
			}
			return Optional.of(new StartupCache(directory, runtime, kind, classPath, Digests.of(digest.toString())));
		}
		catch (IOException | UncheckedIOException ex) {
			logger.warn("pistil: no start-up cache for the workers: cannot use " + directory
					+ " (pistil.cache.directory): " + ex.getMessage());
			return Optional.empty();
		}
	}

	/**
	 * Makes the cache directory if need be, and refuses one that others could plant
	 * archives in.
	 * @param directory the directory
	 * @throws IOException if it cannot be made, or is not safe
	 */
	public static void prepareDirectory(Path directory) throws IOException {
		if (!Files.isDirectory(directory)) {
			Files.createDirectories(directory);
			Files.setPosixFilePermissions(directory, PUBLIC_DIRECTORY);
		}
		Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory);
		if (permissions.contains(PosixFilePermission.GROUP_WRITE)
				|| permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
			throw new IOException("others may write it (" + PosixFilePermissions.toString(permissions)
					+ "), and an archive is code the workers run");
		}
		String owner = Files.getOwner(directory).getName();
		if (!owner.equals(System.getProperty("user.name"))) {
			throw new IOException("it belongs to " + owner + ", not to " + System.getProperty("user.name"));
		}
	}

	/**
	 * How a worker of a pool starts from the cache, if it can now; if its archive is not
	 * made yet, its training is started.
	 * @param pool the pool, for the log
	 * @param jvmOptions the worker's JVM options
	 * @param training how to make the command of a training run for the pool
	 * @return the archive and the options that map it, or empty to start without one
	 */
	public Optional<CachedStart> use(String pool, List<String> jvmOptions, Training training) {
		if (this.closed || jvmOptions.stream().anyMatch(StartupCache::managesSharing)) {
			return Optional.empty();
		}
		String key = key(jvmOptions);
		Archive archive = this.archives.computeIfAbsent(key, (name) -> load(name, pool, jvmOptions, training));
		if (archive.state() != ArchiveState.READY) {
			return Optional.empty();
		}
		if (!archive.unchangedOnDisk()) {
			discard(archive, "it changed on disk since it was checked");
			return Optional.empty();
		}
		List<String> options = new ArrayList<>(this.kind.useOptions(archive.file()));
		// The JVM prints why it ignores an archive on standard output, among the
		// worker's own output: warnings belong on standard error.
		options.addAll(List.of("-Xlog:disable", "-Xlog:all=warning:stderr"));
		return Optional.of(new CachedStart(key, options));
	}

	private static boolean managesSharing(String option) {
		return SHARING_OPTIONS.stream().anyMatch(option::startsWith);
	}

	/**
	 * The key of an archive: what the JVM checks when it maps one, and what it does not
	 * check but should. System properties play no part, except the JDK's own.
	 */
	private String key(List<String> jvmOptions) {
		String options = jvmOptions.stream()
			.filter((option) -> !option.startsWith("-D") || option.startsWith("-Djdk."))
			.collect(Collectors.joining("\u0000"));
		String version = StartupCache.class.getPackage().getImplementationVersion();
		return this.kind.extension() + "-"
				+ Digests
					.of(this.kind + "\n" + this.runtime.identity() + "\n" + this.classPathDigest + "\n" + options + "\n"
							+ version)
					.substring(0, 24);
	}

	private Archive load(String key, String pool, List<String> jvmOptions, Training training) {
		Archive archive = new Archive(this.directory, key, this.kind);
		if (archive.verify()) {
			logger.info("pistil: pool '" + pool + "' starts its workers from the start-up cache " + archive.file()
					+ " (" + this.kind + ", " + archive.megabytes() + ")");
			return archive;
		}
		trainer.execute(() -> train(archive, pool, jvmOptions, training));
		return archive;
	}

	private void train(Archive archive, String pool, List<String> jvmOptions, Training training) {
		if (this.closed) {
			return;
		}
		try (FileChannel lockFile = FileChannel.open(archive.lockFile(), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
			if (archive.verify()) {
				logger.info("pistil: start-up cache " + archive.file() + " made meanwhile by another arbiter");
				return;
			}
			new TrainingRun(this.runtime, this.classPath, this.kind, this.trainings, TRAINING_TIMEOUT).run(archive,
					pool, jvmOptions, training);
		}
		catch (IOException | UncheckedIOException | TrainingRun.TrainingFailedException ex) {
			archive.fail();
			if (!this.closed) {
				logger.warn("pistil: no start-up cache for pool '" + pool + "'; its workers start without one: "
						+ ex.getMessage());
			}
		}
	}

	/**
	 * A worker died before it was ready: if it started from an archive, that archive is
	 * discarded, and the pool starts its workers without it.
	 * @param start how the worker started
	 * @param worker the worker, for the log
	 * @return whether the archive was in use until now
	 */
	public boolean refused(CachedStart start, String worker) {
		Archive archive = this.archives.get(start.archive());
		if (archive == null || archive.state() != ArchiveState.READY) {
			return false;
		}
		discard(archive, "worker " + worker + " failed to start with it");
		return true;
	}

	private void discard(Archive archive, String why) {
		archive.discard();
		logger.warn("pistil: start-up cache " + archive.file() + " discarded (" + why + "); workers start without it");
	}

	/**
	 * Notes how long a worker took to be ready, and logs the gain once a pool has started
	 * a worker with the cache and one without.
	 * @param pool the worker's pool
	 * @param cached whether it started from an archive
	 * @param bootTime its spawn to ready
	 */
	public void booted(String pool, boolean cached, Duration bootTime) {
		BootTimes times = this.bootTimes.computeIfAbsent(pool, (name) -> new BootTimes());
		if (times.add(cached, bootTime)) {
			logger.info("pistil: pool '" + pool + "' workers are ready in " + seconds(times.cached) + " from the "
					+ this.kind + " start-up cache, " + seconds(times.uncached) + " without ("
					+ String.format("%.1f", (double) times.uncached.toNanos() / times.cached.toNanos()) + "x faster)");
		}
	}

	private static String seconds(Duration duration) {
		return String.format("%.2f s", duration.toNanos() / 1e9);
	}

	/** Stops a training run under way; archives made stay for the next run. */
	@Override
	public void close() {
		this.closed = true;
		this.trainings.forEach(Process::destroyForcibly);
	}

	/** The first boot time of a pool's workers with the cache and without. */
	private static final class BootTimes {

		private Duration cached;

		private Duration uncached;

		/** Whether both are known now, for the first time. */
		synchronized boolean add(boolean withCache, Duration bootTime) {
			boolean before = this.cached != null && this.uncached != null;
			if (withCache && this.cached == null) {
				this.cached = bootTime;
			}
			else if (!withCache && this.uncached == null) {
				this.uncached = bootTime;
			}
			return !before && this.cached != null && this.uncached != null;
		}

	}

}
