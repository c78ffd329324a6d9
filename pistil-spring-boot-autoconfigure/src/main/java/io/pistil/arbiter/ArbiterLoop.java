package io.pistil.arbiter;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The arbiter thread: it owns every pool and worker record, and runs one command at a
 * time from a queue, then a tick, over and over. Everything else (the public methods,
 * exit notices, signal handlers) only enqueues, so the pools are never seen half-changed.
 *
 * <p>
 * A command's failure is logged and the loop goes on; a failure of the JVM itself
 * ({@link VirtualMachineError}), or anything that escapes, ends the loop, and its body
 * then stops every worker before the loop thread ends: an arbiter never leaves workers
 * without a supervisor.
 */
final class ArbiterLoop {

	private static final Log logger = LogFactory.getLog(ArbiterLoop.class);

	/** What the loop runs. */
	interface Body {

		/** Runs between commands, at least every tick interval. */
		void tick();

		/** Whether the loop is over: every worker has stopped. */
		boolean done();

		/** Called on the loop thread once the loop is over. */
		void ended();

		/**
		 * Called on the loop thread when the loop ends on an unexpected failure.
		 * @param failure what ended it
		 */
		void failed(Throwable failure);

	}

	private final BlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();

	private final CompletableFuture<Void> over = new CompletableFuture<>();

	private final Duration tickInterval;

	private final Duration callTimeout;

	private volatile Thread thread;

	ArbiterLoop(Duration tickInterval, Duration callTimeout) {
		this.tickInterval = tickInterval;
		this.callTimeout = callTimeout;
	}

	/**
	 * Starts the loop thread.
	 * @param body what it runs
	 */
	void start(Body body) {
		this.thread = new Thread(() -> run(body), "pistil-arbiter");
		this.thread.start();
	}

	private void run(Body body) {
		try {
			while (!body.done()) {
				Runnable command = this.commands.poll(this.tickInterval.toMillis(), TimeUnit.MILLISECONDS);
				while (command != null) {
					contain(command);
					command = this.commands.poll();
				}
				contain(body::tick);
			}
			body.ended();
		}
		catch (Throwable ex) {
			body.failed(ex);
		}
		finally {
			this.over.complete(null);
		}
	}

	private static void contain(Runnable command) {
		try {
			command.run();
		}
		catch (VirtualMachineError ex) {
			throw ex;
		}
		catch (Throwable ex) {
			logger.error("pistil arbiter: unexpected error, carrying on", ex);
		}
	}

	/**
	 * Enqueues a command, from any thread.
	 * @param command the command
	 */
	void submit(Runnable command) {
		this.commands.add(command);
	}

	boolean onLoopThread() {
		return Thread.currentThread() == this.thread;
	}

	/** Completes once the loop thread is about to end. */
	CompletableFuture<Void> over() {
		return this.over;
	}

	/**
	 * Runs an operation on the loop thread and waits for its result, at most the call
	 * timeout: a reader never waits long behind a busy loop. An operation that timed out
	 * before the loop reached it never runs.
	 * @param operation the operation
	 * @return its result
	 * @throws IllegalStateException if called on the loop thread (by a listener), if the
	 * loop is over, or if it did not answer in time
	 */
	<T> T call(Supplier<T> operation) {
		if (onLoopThread()) {
			throw new IllegalStateException("An arbiter listener cannot wait for the arbiter");
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		submit(() -> {
			if (result.isDone()) {
				return;
			}
			try {
				result.complete(operation.get());
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
				if (ex instanceof VirtualMachineError error) {
					throw error;
				}
			}
		});
		try {
			CompletableFuture.anyOf(result, this.over).get(this.callTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			result.cancel(false);
			throw new CommandRefusedException(
					"The arbiter did not answer within " + this.callTimeout.toMillis() + " ms: its loop is busy");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			result.cancel(false);
			throw new IllegalStateException("Interrupted while waiting for the arbiter", ex);
		}
		catch (ExecutionException ex) {
			// The operation failed: its exception is rethrown below.
		}
		if (!result.isDone()) {
			throw new CommandRefusedException("The arbiter is not running");
		}
		try {
			return result.join();
		}
		catch (CompletionException ex) {
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime
					: new IllegalStateException(String.valueOf(ex.getCause()), ex.getCause());
		}
	}

}
