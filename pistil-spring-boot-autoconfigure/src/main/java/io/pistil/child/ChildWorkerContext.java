package io.pistil.child;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.pistil.contract.ChildArguments;
import io.pistil.contract.Scoreboard;
import io.pistil.worker.WorkerContext;

/**
 * The {@link WorkerContext} of a child: its identity from the arbiter's arguments, its
 * heartbeat through its scoreboard slot.
 */
final class ChildWorkerContext implements WorkerContext {

	private final ChildArguments arguments;

	private final Scoreboard.Slot slot;

	private final long pid = ProcessHandle.current().pid();

	private final CountDownLatch stopRequested = new CountDownLatch(1);

	ChildWorkerContext(ChildArguments arguments, Scoreboard.Slot slot) {
		this.arguments = arguments;
		this.slot = slot;
	}

	@Override
	public String pool() {
		return this.arguments.pool();
	}

	@Override
	public int number() {
		return this.arguments.number();
	}

	@Override
	public long pid() {
		return this.pid;
	}

	@Override
	public long parentPid() {
		return this.arguments.arbiterPid();
	}

	@Override
	public boolean alive() {
		return this.stopRequested.getCount() > 0;
	}

	@Override
	public void notifyAlive() {
		this.slot.heartbeat();
	}

	@Override
	public Map<String, String> args() {
		return this.arguments.args();
	}

	@Override
	public Duration pause() {
		return this.arguments.pause();
	}

	@Override
	public boolean sleep(Duration duration) {
		try {
			return !this.stopRequested.await(duration.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return alive();
		}
	}

	/** Ends the worker's loop after its current step. */
	void requestStop() {
		this.stopRequested.countDown();
	}

}
