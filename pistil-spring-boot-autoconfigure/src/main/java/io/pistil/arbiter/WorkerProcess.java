package io.pistil.arbiter;

import java.time.Instant;
import java.util.List;

/**
 * The arbiter's record of one running child. Touched only by the arbiter thread.
 */
final class WorkerProcess {

	final WorkerSpec spec;

	final int number;

	final int slot;

	final long pid;

	/** Grows with every spawn of the arbiter: the oldest worker has the smallest age. */
	final long age;

	final long generation;

	final long spawnedAt;

	final Instant startedAt = Instant.now();

	final List<OutputRelay> relays;

	boolean ready;

	long heartbeats;

	long lastSeen;

	/** When the worker was sent SIGQUIT for a timeout, or 0. */
	long abortedAt;

	/** Whether the arbiter asked it to stop (SIGTERM). */
	boolean retiring;

	/** When the worker must be gone after SIGTERM. */
	long stopDeadline;

	boolean killed;

	/**
	 * Connections after which it is recycled (its pool's max-requests, plus its share of
	 * the jitter).
	 */
	long requestLimit = Long.MAX_VALUE;

	/**
	 * Whether the arbiter started a replacement for it because of its max-requests or
	 * max-memory.
	 */
	boolean recycled;

	WorkerProcess(WorkerSpec spec, int number, int slot, long pid, long age, long generation, long spawnedAt,
			List<OutputRelay> relays) {
		this.spec = spec;
		this.number = number;
		this.slot = slot;
		this.pid = pid;
		this.age = age;
		this.generation = generation;
		this.spawnedAt = spawnedAt;
		this.lastSeen = spawnedAt;
		this.relays = relays;
	}

	String errorTail() {
		StringBuilder tail = new StringBuilder();
		for (OutputRelay relay : this.relays) {
			String lines = relay.tail();
			if (!lines.isEmpty()) {
				tail.append(tail.isEmpty() ? "" : "\n").append(lines);
			}
		}
		return tail.toString();
	}

	@Override
	public String toString() {
		return this.spec.name() + "." + this.number + " (pid " + this.pid + ")";
	}

}
