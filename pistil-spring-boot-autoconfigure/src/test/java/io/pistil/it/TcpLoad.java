package io.pistil.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;

/**
 * A bounded load on a pool of {@link EchoTcpWorker}s over loopback: several client
 * threads, each sending one request per connection, one after the other, until the load
 * is stopped, its count is reached or its time is up. A client stops once nothing listens
 * any more. Records how every request ended.
 */
final class TcpLoad {

	private final InetSocketAddress address;

	private final int requestsPerClient;

	private final long deadline;

	private final AtomicBoolean stopped = new AtomicBoolean();

	private final AtomicLong completed = new AtomicLong();

	private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();

	private final List<Thread> clients = new ArrayList<>();

	private TcpLoad(InetSocketAddress address, int requestsPerClient, Duration maxTime) {
		this.address = address;
		this.requestsPerClient = requestsPerClient;
		this.deadline = System.nanoTime() + maxTime.toNanos();
	}

	/**
	 * Starts a load.
	 * @param address where the pool listens
	 * @param clients how many client threads
	 * @param requestsPerClient the most requests of each client
	 * @param maxTime the longest the load runs
	 * @return the running load
	 */
	static TcpLoad start(InetSocketAddress address, int clients, int requestsPerClient, Duration maxTime) {
		TcpLoad load = new TcpLoad(address, requestsPerClient, maxTime);
		for (int i = 0; i < clients; i++) {
			int client = i;
			Thread thread = new Thread(() -> load.run(client), "load-client-" + i);
			load.clients.add(thread);
			thread.start();
		}
		return load;
	}

	/** Requests answered in full so far. */
	long completed() {
		return this.completed.get();
	}

	/**
	 * Waits until this many more requests than now have been answered in full (or the
	 * load ended).
	 */
	void awaitMore(long requests, Duration timeout) {
		long target = completed() + requests;
		Awaitility.await().atMost(timeout).until(() -> completed() >= target || finished());
	}

	/** How the requests made so far ended. */
	List<Outcome> outcomes() {
		return List.copyOf(this.outcomes);
	}

	/** Whether every client has stopped by itself. */
	boolean finished() {
		return this.clients.stream().noneMatch(Thread::isAlive);
	}

	/**
	 * Waits for every client to make its requests (or run out of time).
	 * @return how every request ended
	 */
	List<Outcome> finish() throws InterruptedException {
		for (Thread client : this.clients) {
			client.join();
		}
		return List.copyOf(this.outcomes);
	}

	/**
	 * Stops the load and waits for the requests in flight.
	 * @return how every request ended
	 */
	List<Outcome> stop() throws InterruptedException {
		this.stopped.set(true);
		return finish();
	}

	private void run(int client) {
		for (int i = 0; i < this.requestsPerClient && !this.stopped.get() && System.nanoTime() < this.deadline; i++) {
			Outcome outcome = request("load " + client + "." + i);
			this.outcomes.add(outcome);
			if (outcome.complete()) {
				this.completed.incrementAndGet();
			}
			else if (outcome.failure().startsWith(ConnectException.class.getName())) {
				return;
			}
		}
	}

	private Outcome request(String line) {
		long pid = 0;
		long greetedAt = 0;
		try (Socket socket = new Socket()) {
			socket.connect(this.address, 5000);
			socket.setSoTimeout(30000);
			OutputStream output = socket.getOutputStream();
			output.write((line + "\n").getBytes(StandardCharsets.UTF_8));
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			String greeting = reader.readLine();
			if (greeting == null) {
				return new Outcome(0, false, 0, System.nanoTime(), "closed before any reply");
			}
			pid = Long.parseLong(greeting.substring("pid ".length()));
			greetedAt = System.nanoTime();
			String echo = reader.readLine();
			String end = reader.readLine();
			boolean complete = ("echo " + line).equals(echo) && end == null;
			return new Outcome(pid, complete, greetedAt, System.nanoTime(),
					complete ? "" : "incomplete reply: " + echo);
		}
		catch (IOException ex) {
			return new Outcome(pid, false, greetedAt, System.nanoTime(), ex.toString());
		}
	}

	/**
	 * How one request ended.
	 *
	 * @param pid the pid of the worker that accepted it (it said so first), or 0 if none
	 * did
	 * @param complete whether the whole reply came
	 * @param greetedAt when the worker's first line came (System.nanoTime()), or 0
	 * @param endedAt when the request ended
	 * @param failure what went wrong, or ""
	 */
	record Outcome(long pid, boolean complete, long greetedAt, long endedAt, String failure) {

		boolean accepted() {
			return this.pid != 0;
		}

	}

}
