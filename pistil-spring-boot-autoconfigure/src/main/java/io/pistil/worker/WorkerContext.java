package io.pistil.worker;

import java.time.Duration;
import java.util.Map;

/**
 * What a running worker knows about itself and how it talks to its arbiter.
 */
public interface WorkerContext {

	/**
	 * Returns the name of the pool this worker belongs to.
	 * @return the pool name
	 */
	String pool();

	/**
	 * Returns this worker's number in its pool, from 1; a replacement takes the number of
	 * the worker it replaces.
	 * @return the worker number
	 */
	int number();

	/**
	 * Returns the process id of this worker.
	 * @return this process's id
	 */
	long pid();

	/**
	 * Returns the process id of the arbiter that supervises this worker.
	 * @return the arbiter's process id
	 */
	long parentPid();

	/**
	 * Returns whether the worker should keep working: false once it has been told to stop
	 * or its arbiter is gone.
	 * @return whether to go on
	 */
	boolean alive();

	/**
	 * Tells the arbiter this worker is alive. A worker silent for longer than its pool's
	 * timeout is considered hung: the arbiter has it print a thread dump, kills it and
	 * starts another. Cheap enough to call as often as you like (a single memory store).
	 */
	void notifyAlive();

	/**
	 * Returns the pool's {@code args}: free-form settings from the annotation or
	 * configuration.
	 * @return the arguments, never null
	 */
	Map<String, String> args();

	/**
	 * Returns the pause between two calls of {@link Worker#handle(WorkerContext)} in the
	 * default loop.
	 * @return the pause
	 */
	Duration pause();

	/**
	 * Sleeps up to the given time, returning early when the worker is told to stop.
	 * @param duration how long to sleep at most
	 * @return {@link #alive()} on return
	 */
	boolean sleep(Duration duration);

}
