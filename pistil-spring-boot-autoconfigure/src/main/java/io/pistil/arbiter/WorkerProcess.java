package io.pistil.arbiter;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

import io.pistil.cache.CachedStart;
import java.util.Map;
import java.util.Set;

/**
 * The arbiter's record of one child: who it is, and where it is in its life. Touched only
 * by the arbiter thread.
 */
final class WorkerProcess {

	/**
	 * Where a child is in its life, arbiter side. Only the transitions of {@link #NEXT}
	 * happen; an {@link #EXITED} worker is never signalled again.
	 */
	enum Phase {

		/** Spawned; its context is starting. */
		BOOTING,

		/** It runs its worker. */
		READY,

		/**
		 * Silent past its timeout: sent SIGQUIT (a thread dump), SIGKILL after a grace.
		 */
		ABORTING,

		/** Asked to stop: sent SIGTERM, SIGKILL at its deadline. */
		STOPPING,

		/** Sent SIGKILL. */
		KILLED,

		/** Ended and reaped. */
		EXITED

	}

	private static final Map<Phase, Set<Phase>> NEXT = Map.of(Phase.BOOTING,
			EnumSet.of(Phase.READY, Phase.ABORTING, Phase.STOPPING, Phase.KILLED, Phase.EXITED), Phase.READY,
			EnumSet.of(Phase.ABORTING, Phase.STOPPING, Phase.KILLED, Phase.EXITED), Phase.ABORTING,
			EnumSet.of(Phase.KILLED, Phase.EXITED), Phase.STOPPING, EnumSet.of(Phase.KILLED, Phase.EXITED),
			Phase.KILLED, EnumSet.of(Phase.EXITED), Phase.EXITED, EnumSet.noneOf(Phase.class));

	final WorkerSpec spec;

	final int number;

	final int slot;

	final long pid;

	/** Grows with every spawn of the arbiter: the oldest worker has the smallest age. */
	final long age;

	final long generation;

	/** When it was spawned, on the arbiter's monotonic clock. */
	final long spawnedAt;

	final Instant startedAt;

	final List<OutputRelay> relays;

	/** How it started from the start-up cache, or null if it started without. */
	CachedStart cachedStart;

	private Phase phase = Phase.BOOTING;

	/** When it entered its phase, on the monotonic clock. */
	private long phaseSince;

	private boolean wasReady;

	/** Why the arbiter is ending it, or null while nothing but itself would end it. */
	private ExitCause endCause;

	/** When a stopping worker must be gone. */
	long stopDeadline;

	long heartbeats;

	/** When its heartbeat counter last moved (its spawn, before its first). */
	long lastSeen;

	/** The requests it had handled when its slot was last read. */
	long requests;

	/**
	 * Connections after which it is recycled (its pool's max-requests, plus its share of
	 * the jitter).
	 */
	final long requestLimit;

	WorkerProcess(WorkerSpec spec, int number, int slot, long pid, long age, long generation, long spawnedAt,
			Instant startedAt, List<OutputRelay> relays) {
		this.spec = spec;
		this.number = number;
		this.slot = slot;
		this.pid = pid;
		this.age = age;
		this.generation = generation;
		this.spawnedAt = spawnedAt;
		this.phaseSince = spawnedAt;
		this.lastSeen = spawnedAt;
		this.startedAt = startedAt;
		this.relays = relays;
		this.requestLimit = spec.recycling().requestLimit();
	}

	Phase phase() {
		return this.phase;
	}

	long phaseSince() {
		return this.phaseSince;
	}

	/**
	 * Moves the worker on.
	 * @param next its new phase
	 * @param now the time
	 * @throws IllegalStateException for a transition its life does not have
	 */
	void moveTo(Phase next, long now) {
		if (!NEXT.get(this.phase).contains(next)) {
			throw new IllegalStateException("Worker " + this + " cannot go from " + this.phase + " to " + next);
		}
		this.phase = next;
		this.phaseSince = now;
		this.wasReady |= (next == Phase.READY);
	}

	/**
	 * Records why the arbiter ends the worker; the first reason stays.
	 * @param cause requested, recycled or timeout
	 */
	void ending(ExitCause cause) {
		if (this.endCause == null) {
			this.endCause = cause;
		}
	}

	ExitCause endCause() {
		return this.endCause;
	}

	/** Whether it ever got ready. */
	boolean wasReady() {
		return this.wasReady;
	}

	boolean isReady() {
		return this.phase == Phase.READY;
	}

	/** Whether the arbiter asked it to stop (scaling, reload, replacement, shutdown). */
	boolean retiring() {
		return this.endCause == ExitCause.REQUESTED || this.endCause == ExitCause.RECYCLED;
	}

	/**
	 * Whether it counts in its pool: alive, and not asked to stop. A worker killed for
	 * its timeout counts until it has exited, and its pool then restarts it.
	 */
	boolean active() {
		return this.phase != Phase.EXITED && !retiring();
	}

	/** Whether it may still be signalled: not reaped. */
	boolean signallable() {
		return this.phase != Phase.EXITED;
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
