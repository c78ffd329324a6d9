package io.pistil.arbiter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One pool's state: its spec, how many workers it should run, and the ones it runs. Touched only by
 * the arbiter thread.
 */
final class Pool {

	WorkerSpec spec;

	/** The spec before the reload in progress, restored if the reload fails. */
	WorkerSpec previousSpec;

	long generation;

	int desired;

	boolean reloading;

	long restarts;

	/** No spawn before this time (System.nanoTime()), after a worker failed to boot; 0 for none. */
	long nextSpawnAt;

	final List<WorkerProcess> workers = new ArrayList<>();

	Pool(WorkerSpec spec) {
		this.spec = spec;
		this.desired = spec.workers();
	}

	String name() {
		return this.spec.name();
	}

	/** The workers not asked to stop. */
	List<WorkerProcess> active() {
		return this.workers.stream().filter((worker) -> !worker.retiring).toList();
	}

	long readyCount() {
		return this.workers.stream().filter((worker) -> !worker.retiring && worker.ready).count();
	}

	/** The lowest number no worker of the pool holds: a replacement takes the number of the worker it replaces. */
	int freeNumber() {
		int number = 1;
		while (holds(number)) {
			number++;
		}
		return number;
	}

	private boolean holds(int number) {
		return this.workers.stream().anyMatch((worker) -> worker.number == number);
	}

	Optional<WorkerProcess> oldestActive() {
		return active().stream().min(Comparator.comparingLong((worker) -> worker.age));
	}

	Optional<WorkerProcess> find(long pid) {
		return this.workers.stream().filter((worker) -> worker.pid == pid).findFirst();
	}

}
