package io.pistil.child;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import io.pistil.contract.TcpChildSettings;

/**
 * The threads that serve a tcp worker's connections, as its pool's {@code threads} says:
 * the accept thread itself ({@code 1}), a pool of N threads, or a virtual thread per
 * connection ({@code virtual}, found at run time: pistil is built for Java 17).
 *
 * @param executor runs each connection
 * @param capacity how many connections it serves at once
 */
record ConnectionThreads(Executor executor, int capacity) {

	/**
	 * Creates the threads.
	 * @param threads a number of threads, or "virtual"
	 * @param workerConnections with virtual threads, the most connections served at once
	 * @return the threads
	 * @throws IllegalStateException for virtual threads on a JVM without them
	 */
	static ConnectionThreads of(String threads, int workerConnections) {
		if (threads.equals(TcpChildSettings.VIRTUAL_THREADS)) {
			ThreadFactory factory = virtualThreadFactory();
			return new ConnectionThreads((connection) -> factory.newThread(connection).start(), workerConnections);
		}
		int count = Integer.parseInt(threads);
		if (count == 1) {
			// gunicorn's sync worker: the accepting thread serves the connection itself.
			return new ConnectionThreads(Runnable::run, 1);
		}
		AtomicInteger created = new AtomicInteger();
		return new ConnectionThreads(Executors.newFixedThreadPool(count, (connection) -> {
			Thread thread = new Thread(connection, "pistil-connection-" + created.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}), count);
	}

	/**
	 * {@code Thread.ofVirtual().name("pistil-connection-", 1).factory()}, on a JVM that
	 * has it.
	 */
	private static ThreadFactory virtualThreadFactory() {
		try {
			Class<?> builderType = Class.forName("java.lang.Thread$Builder");
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			builder = builderType.getMethod("name", String.class, long.class).invoke(builder, "pistil-connection-", 1L);
			return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
		}
		catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException ex) {
			throw noVirtualThreads("this JVM has none");
		}
		catch (InvocationTargetException ex) {
			// Java 19 and 20 have them as a preview feature, which is off unless enabled.
			throw noVirtualThreads(String.valueOf(ex.getCause().getMessage()));
		}
	}

	private static IllegalStateException noVirtualThreads(String reason) {
		return new IllegalStateException("threads: " + TcpChildSettings.VIRTUAL_THREADS
				+ " needs virtual threads (Java 21 or newer); this JVM is Java " + Runtime.version() + ": " + reason);
	}

}
