package io.pistil.worker;

/**
 * Which Spring context a worker's child JVM starts.
 */
public enum ContextMode {

	/**
	 * Only the worker's class and what it imports ({@code @Import},
	 * {@code @ImportAutoConfiguration}), with the application's configuration files and
	 * profiles: the fastest and smallest child.
	 */
	SLIM,

	/**
	 * The whole application, auto-configuration included, with no web server and no
	 * arbiter.
	 */
	FULL

}
