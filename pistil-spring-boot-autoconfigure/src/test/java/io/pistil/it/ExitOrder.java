package io.pistil.it;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches processes from outside, in procfs, and tells in which pass of its watch each
 * one ended (gone, or a zombie not reaped yet): the order in which a tree stopped, seen
 * without any help from the processes.
 */
final class ExitOrder implements AutoCloseable {

	private static final long PASS_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	private final List<Long> pids;

	private final Map<Long, Integer> endedInPass = new ConcurrentHashMap<>();

	private final Thread watch;

	private volatile boolean closed;

	ExitOrder(Collection<Long> pids) {
		this.pids = List.copyOf(pids);
		this.watch = new Thread(this::watch, "exit-order");
		this.watch.setDaemon(true);
		this.watch.start();
	}

	private void watch() {
		for (int pass = 0; !this.closed && this.endedInPass.size() < this.pids.size(); pass++) {
			for (long pid : this.pids) {
				if (!this.endedInPass.containsKey(pid) && Procfs.ended(pid)) {
					this.endedInPass.put(pid, pass);
				}
			}
			LockSupport.parkNanos(PASS_NANOS);
		}
	}

	/**
	 * The pass in which a process was first seen ended.
	 * @param pid the process
	 * @return the pass, or {@link Integer#MAX_VALUE} while it runs
	 */
	int endedInPass(long pid) {
		return this.endedInPass.getOrDefault(pid, Integer.MAX_VALUE);
	}

	boolean allEnded() {
		return this.endedInPass.size() == this.pids.size();
	}

	@Override
	public void close() throws InterruptedException {
		this.closed = true;
		this.watch.join();
	}

}
