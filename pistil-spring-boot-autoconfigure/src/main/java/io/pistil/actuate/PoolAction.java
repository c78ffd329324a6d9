package io.pistil.actuate;

/**
 * What the {@code pistil} endpoint's write operation can do to a pool besides setting its
 * worker count. Requests name an action in lower case: {@code "reload"}.
 */
public enum PoolAction {

	/** Replace every worker by a rolling reload. */
	RELOAD,

	/** Add a worker, as SIGTTIN does; at max-workers, nothing changes. */
	INCR,

	/** Retire the oldest worker, as SIGTTOU does; at min-workers, nothing changes. */
	DECR,

	/** Replace the worker whose pid the request gives. */
	REPLACE

}
