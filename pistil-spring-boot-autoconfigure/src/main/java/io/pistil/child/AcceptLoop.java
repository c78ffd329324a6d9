package io.pistil.child;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.contract.Scoreboard;
import io.pistil.contract.TcpChildSettings;
import io.pistil.worker.TcpClient;
import io.pistil.worker.TcpWorker;
import io.pistil.worker.WorkerContext;

/**
 * A tcp worker's loop: while the worker is alive, accepts a connection whenever one of
 * its threads is free and hands it over, with heartbeats while it waits. On a stop it
 * stops accepting (the connections still queued go to the pool's other workers), then
 * waits for the connections it has accepted to finish.
 *
 * <p>
 * It accepts only when a thread is free, so connections wait in the kernel's queue, where
 * any worker of the pool can take them, rather than in a busy worker.
 */
final class AcceptLoop implements WorkerLoop {

	private static final Log logger = LogFactory.getLog(AcceptLoop.class);

	/**
	 * How long the loop waits for a free thread, or for a connection, between two
	 * heartbeats.
	 */
	private static final long WAIT_MILLIS = 100;

	private final TcpWorker worker;

	private final WorkerContext context;

	private final Scoreboard.Slot slot;

	private final List<ServerSocketChannel> listeners;

	private final ConnectionThreads threads;

	private final Semaphore freeThreads;

	private int inFlight;

	private long failures;

	private AcceptLoop(TcpWorker worker, WorkerContext context, Scoreboard.Slot slot,
			List<ServerSocketChannel> listeners, ConnectionThreads threads) {
		this.worker = worker;
		this.context = context;
		this.slot = slot;
		this.listeners = listeners;
		this.threads = threads;
		this.freeThreads = new Semaphore(threads.capacity());
	}

	/**
	 * Opens a tcp worker's listening sockets and threads, as its arbiter set them.
	 * @param worker the worker
	 * @param context its context
	 * @param slot its scoreboard slot
	 * @return the loop
	 * @throws IOException if a socket cannot be opened
	 */
	static AcceptLoop open(TcpWorker worker, WorkerContext context, Scoreboard.Slot slot) throws IOException {
		TcpChildSettings settings = TcpChildSettings.fromSystemProperties()
			.orElseThrow(() -> new IllegalStateException(
					worker.getClass().getName() + " is a TcpWorker: its pool needs type: tcp and listen addresses"));
		ConnectionThreads threads = ConnectionThreads.of(settings.threads(), settings.workerConnections());
		return new AcceptLoop(worker, context, slot, settings.openChannels(), threads);
	}

	@Override
	public void run() throws IOException, InterruptedException {
		try (Selector selector = Selector.open()) {
			for (ServerSocketChannel listener : this.listeners) {
				listener.configureBlocking(false);
				listener.register(selector, SelectionKey.OP_ACCEPT);
			}
			while (this.context.alive()) {
				this.context.notifyAlive();
				if (this.freeThreads.tryAcquire(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
					SocketChannel client = accept(selector);
					if (client != null) {
						this.threads.executor().execute(() -> serve(client));
					}
					else {
						this.freeThreads.release();
					}
				}
			}
		}
		finally {
			for (ServerSocketChannel listener : this.listeners) {
				listener.close();
			}
			this.freeThreads.acquireUninterruptibly(this.threads.capacity());
		}
	}

	/** Waits a little for a connection on any listening socket, and accepts one. */
	private static SocketChannel accept(Selector selector) throws IOException {
		if (selector.select(WAIT_MILLIS) == 0) {
			return null;
		}
		try {
			for (SelectionKey key : selector.selectedKeys()) {
				// Another worker may have taken the connection first: then accept returns
				// null.
				SocketChannel client = ((ServerSocketChannel) key.channel()).accept();
				if (client != null) {
					return client;
				}
			}
			return null;
		}
		finally {
			selector.selectedKeys().clear();
		}
	}

	/**
	 * Serves one connection (accepted channels are in blocking mode) and closes it,
	 * whatever happens.
	 */
	private void serve(SocketChannel channel) {
		started();
		SocketAddress address = null;
		try (channel) {
			address = channel.getRemoteAddress();
			this.worker.handle(new TcpClient(channel, address), this.context);
		}
		catch (Exception ex) {
			logger.error("pistil: worker " + this.context.pool() + "." + this.context.number() + ": connection from "
					+ address + " failed and is closed (" + failed() + " failed so far)", ex);
		}
		finally {
			finished();
			this.freeThreads.release();
		}
	}

	private synchronized void started() {
		if (this.inFlight++ == 0) {
			this.slot.busy(true);
		}
	}

	/**
	 * Counts a connection, failed or not, in the scoreboard: max-requests counts them
	 * all.
	 */
	private synchronized void finished() {
		this.slot.requestHandled();
		if (--this.inFlight == 0) {
			this.slot.busy(false);
		}
	}

	private synchronized long failed() {
		return ++this.failures;
	}

}
