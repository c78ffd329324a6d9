package io.pistil.arbiter;

import java.util.List;

/**
 * The arbiter's record of one running child. Touched only by the arbiter thread.
 */
final class WorkerProcess {

	enum Phase {

		BOOTING, READY, STOPPING

	}

	final WorkerSpec spec;

	final int number;

	final int slot;

	final long pid;

	final long spawnedAt;

	final List<OutputRelay> relays;

	Phase phase = Phase.BOOTING;

	boolean everReady;

	long heartbeats;

	long lastSeen;

	/** When the worker was sent SIGQUIT for a timeout, or 0. */
	long abortedAt;

	/** When the worker must be gone after a stop request, or 0. */
	long stopDeadline;

	boolean killed;

	WorkerProcess(WorkerSpec spec, int number, int slot, long pid, long spawnedAt, List<OutputRelay> relays) {
		this.spec = spec;
		this.number = number;
		this.slot = slot;
		this.pid = pid;
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
