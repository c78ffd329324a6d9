package io.pistil.arbiter;

/**
 * Which workers an arbiter restarts when one of them ends and is restarted, as in
 * Erlang/OTP, over the order in which its pools are declared.
 */
public enum Strategy {

	/** Only the worker that ended. */
	ONE_FOR_ONE,

	/** Every worker of every pool. */
	ONE_FOR_ALL,

	/**
	 * The workers of the pools declared after the ended worker's pool (its own pool's
	 * others are left alone).
	 */
	REST_FOR_ONE

}
