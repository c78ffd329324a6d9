package io.pistil.arbiter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When the arbiter replaces a worker that works: after a number of connections, as
 * gunicorn's {@code max_requests} (and {@code max_requests_jitter}) does, or once its
 * memory passes a limit, which gunicorn never shipped. The replacement starts first; the
 * worker stops once it is ready.
 *
 * @param maxRequests connections a worker handles before it is replaced; 0 for no limit
 * @param maxRequestsJitter up to this many connections added at random to each worker's
 * max-requests, so that workers started together are not replaced together
 * @param maxMemory resident memory (RSS) in bytes beyond which a worker is replaced; 0
 * for no limit
 */
public record Recycling(long maxRequests, long maxRequestsJitter, long maxMemory) {

	/** Never replace a worker that works. */
	public static final Recycling NONE = new Recycling(0, 0, 0);

	private static final long MEGABYTE = 1024 * 1024;

	/** Checks the settings, naming the pool and the property of an invalid one. */
	void validate(String pool, boolean tcp) {
		if (this.maxRequests < 0) {
			throw new InvalidSpecException(pool, "max-requests", this.maxRequests, "must be 0 (no limit) or more");
		}
		if (this.maxRequests > 0 && !tcp) {
			throw new InvalidSpecException(pool, "max-requests", this.maxRequests,
					"counts connections, which only a tcp pool handles");
		}
		if (this.maxRequestsJitter < 0) {
			throw new InvalidSpecException(pool, "max-requests-jitter", this.maxRequestsJitter, "must be 0 or more");
		}
		if (this.maxMemory < 0) {
			throw new InvalidSpecException(pool, "max-memory", this.maxMemory, "must be 0 (no limit) or more");
		}
	}

	/**
	 * Draws one worker's limit: max-requests plus its share of the jitter.
	 * @return the number of connections after which the worker is replaced
	 */
	long requestLimit() {
		if (this.maxRequests == 0) {
			return Long.MAX_VALUE;
		}
		return this.maxRequests + ThreadLocalRandom.current().nextLong(this.maxRequestsJitter + 1);
	}

	/**
	 * Tells whether a worker is due to be replaced.
	 * @param pid the worker's pid
	 * @param requests the connections it has handled
	 * @param requestLimit its limit, from {@link #requestLimit()}
	 * @return why it is due, or empty
	 */
	Optional<String> due(long pid, long requests, long requestLimit) {
		if (requests >= requestLimit) {
			return Optional.of("has handled " + requests + " connections, past its max-requests of " + requestLimit
					+ ((this.maxRequestsJitter > 0) ? " (with its jitter)" : ""));
		}
		if (this.maxMemory > 0) {
			long resident = residentMemory(pid);
			if (resident > this.maxMemory) {
				return Optional.of("uses " + resident / MEGABYTE + " MB of memory (RSS), past its max-memory of "
						+ this.maxMemory / MEGABYTE + " MB");
			}
		}
		return Optional.empty();
	}

	/**
	 * A process's resident memory in bytes, as procfs reports it; 0 for a process that is
	 * gone.
	 */
	private static long residentMemory(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
				}
			}
		}
		catch (IOException ex) {
			// Gone: its exit is on its way to the arbiter.
		}
		return 0;
	}

}
