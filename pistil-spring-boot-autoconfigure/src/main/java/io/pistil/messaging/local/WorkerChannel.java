package io.pistil.messaging.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.messaging.MessageDeliveryException;

import io.pistil.messaging.RequestFailedException;
import io.pistil.messaging.support.ClusterCounts;
import io.pistil.messaging.support.DeliveryHandler;
import io.pistil.messaging.support.DeliveryInfo;
import io.pistil.messaging.support.Envelope;
import io.pistil.messaging.support.Transport;

/**
 * A worker's end of the local hub: its channel file (a ring each way) and its connection
 * to the hub's socket, which carries only doorbells and, when the worker dies, the end of
 * file that tells the hub at once.
 *
 * <p>
 * One thread reads the ring from the hub and hands deliveries to each subscription's
 * {@link ListenerThread}; any thread writes to the hub, one at a time. At rest the reader
 * blocks on the socket after a short spin.
 */
public final class WorkerChannel implements Transport, ClusterCounts {

	private static final Log logger = LogFactory.getLog(WorkerChannel.class);

	/** How long a worker waits for its arbiter's hub to appear when it boots. */
	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * How long a writer waits for room in the ring to the hub, which drains it always.
	 */
	private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

	private final long pid = ProcessHandle.current().pid();

	private final Path file;

	private final ChannelFile channel;

	private final QueueTable table;

	private final SocketChannel socket;

	private final long spinNanos;

	private final Thread reader;

	private final Map<Integer, ListenerThread> listeners = new ConcurrentHashMap<>();

	private final Map<Long, CompletableFuture<Envelope>> requests = new ConcurrentHashMap<>();

	private final AtomicInteger nextSubscription = new AtomicInteger(1);

	private final AtomicLong nextRequest = new AtomicLong(1);

	private final ByteBuffer bell = ByteBuffer.allocate(1);

	private volatile boolean open = true;

	private WorkerChannel(Path directory, int ringCapacity, Duration spin) throws IOException {
		this.spinNanos = spin.toNanos();
		this.table = QueueTable.open(LocalHub.table(directory));
		this.file = ChannelFile.of(directory, this.pid);
		Files.deleteIfExists(this.file);
		this.channel = ChannelFile.create(this.file, ringCapacity);
		this.socket = SocketChannel.open(StandardProtocolFamily.UNIX);
		try {
			this.socket.connect(UnixDomainSocketAddress.of(LocalHub.socket(directory)));
		}
		catch (IOException ex) {
			this.socket.close();
			throw ex;
		}
		ByteBuffer hello = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(this.pid).flip();
		while (hello.hasRemaining()) {
			this.socket.write(hello);
		}
		this.reader = new Thread(this::read, "pistil-messaging-in");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Connects to the hub of this worker's arbiter, waiting for it to start if need be.
	 * @param directory the hub's directory in the run directory
	 * @param ringCapacity each ring's capacity in bytes, a power of two
	 * @param spin how long the reader spins, once idle, before it blocks
	 * @return the channel
	 */
	public static WorkerChannel connect(Path directory, int ringCapacity, Duration spin) {
		long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
		while (true) {
			try {
				if (Files.exists(LocalHub.socket(directory))) {
					return new WorkerChannel(directory, ringCapacity, spin);
				}
			}
			catch (IOException ex) {
				if (System.nanoTime() - deadline > 0) {
					throw new UncheckedIOException("Cannot connect to the messaging hub in " + directory, ex);
				}
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("No messaging hub in " + directory + " after " + CONNECT_TIMEOUT);
			}
			LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
		}
	}

	@Override
	public void send(String queue, Envelope message, Duration timeout) {
		int index = reserve(queue, timeout);
		sendRecord(index, 0, message);
	}

	@Override
	public boolean offer(String queue, Envelope message) {
		int index = index(queue);
		if (!this.table.tryReserve(index)) {
			return false;
		}
		sendRecord(index, 0, message);
		return true;
	}

	@Override
	public CompletableFuture<Envelope> request(String queue, Envelope message, Duration timeout) {
		int index = reserve(queue, timeout);
		long id = this.nextRequest.getAndIncrement();
		CompletableFuture<Envelope> reply = new CompletableFuture<>();
		this.requests.put(id, reply);
		reply.whenComplete((result, failure) -> this.requests.remove(id));
		sendRecord(index, id, message);
		return reply;
	}

	@Override
	public void publish(String topic, Envelope message) {
		write(Wire.PUBLISH, Wire.size(topic) + Wire.size(message), (buffer, offset) -> {
			int at = Wire.put(buffer, offset, topic);
			Wire.put(buffer, at, message);
		});
	}

	@Override
	public Subscription listen(String queue, DeliveryHandler handler) {
		index(queue);
		int id = this.nextSubscription.getAndIncrement();
		ListenerThread listener = new ListenerThread(queue, handler, new RemoteOutcomes(id));
		this.listeners.put(id, listener);
		write(Wire.SUBSCRIBE, 4 + Wire.size(queue), (buffer, offset) -> {
			buffer.putInt(offset, id);
			Wire.put(buffer, offset + 4, queue);
		});
		return (timeout) -> {
			listener.stop(timeout);
			if (this.open) {
				write(Wire.UNSUBSCRIBE, 4, (buffer, offset) -> buffer.putInt(offset, id));
			}
			this.listeners.remove(id);
		};
	}

	@Override
	public Subscription subscribe(String topic, DeliveryHandler handler) {
		int id = this.nextSubscription.getAndIncrement();
		ListenerThread listener = new ListenerThread(topic, handler, new RemoteOutcomes(id));
		this.listeners.put(id, listener);
		write(Wire.SUBSCRIBE_TOPIC, 4 + Wire.size(topic), (buffer, offset) -> {
			buffer.putInt(offset, id);
			Wire.put(buffer, offset + 4, topic);
		});
		return (timeout) -> {
			this.listeners.remove(id);
			listener.stop(timeout);
		};
	}

	@Override
	public void sent(String queue) {
		clusterCount(queue, ClusterFigures.SENT);
	}

	@Override
	public void delivered(String queue, boolean redelivered) {
		clusterCount(queue, redelivered ? ClusterFigures.REDELIVERED : ClusterFigures.DELIVERED);
	}

	@Override
	public void acknowledged(String queue) {
		clusterCount(queue, ClusterFigures.ACKNOWLEDGED);
	}

	@Override
	public void rejected(String queue, boolean deadLettered) {
		clusterCount(queue, deadLettered ? ClusterFigures.DEAD_LETTERED : ClusterFigures.REJECTED);
	}

	private void clusterCount(String queue, int kind) {
		if (this.open) {
			write(Wire.CLUSTER_COUNT, Wire.size(queue) + 4, (buffer, offset) -> {
				int at = Wire.put(buffer, offset, queue);
				buffer.putInt(at, kind);
			});
		}
	}

	/**
	 * Closes the channel: the hub takes back whatever is still in flight here.
	 */
	@Override
	public void close() {
		if (!this.open) {
			return;
		}
		this.listeners.values().forEach((listener) -> listener.stop(Duration.ofSeconds(1)));
		this.open = false;
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			logger.debug("pistil: closing the messaging channel", ex);
		}
		failRequests("The messaging channel closed");
	}

	private int reserve(String queue, Duration timeout) {
		int index = index(queue);
		if (!this.table.reserve(index, timeout)) {
			throw new MessageDeliveryException("Queue '" + queue + "' stayed full for " + timeout.toMillis() + " ms");
		}
		return index;
	}

	private int index(String queue) {
		int index = this.table.index(queue);
		if (index < 0) {
			throw new IllegalArgumentException("No local queue '" + queue + "' in the arbiter's hub");
		}
		return index;
	}

	private void sendRecord(int index, long request, Envelope message) {
		write(Wire.SEND, 4 + 8 + Wire.size(message), (buffer, offset) -> {
			buffer.putInt(offset, index);
			buffer.putLong(offset + 4, request);
			Wire.put(buffer, offset + 12, message);
		}, index);
	}

	private void write(int type, int size, BodyWriter body) {
		write(type, size, body, -1);
	}

	/**
	 * Writes one record to the hub, waiting for room, and rings the hub's doorbell if it
	 * is parked.
	 * @param reservedQueue the queue whose reserved room the record uses, or -1
	 */
	private synchronized void write(int type, int size, BodyWriter body, int reservedQueue) {
		if (!this.open) {
			throw new IllegalStateException("The messaging channel is closed");
		}
		Ring ring = this.channel.toHub();
		int offset = ring.claim(type, size);
		if (offset < 0) {
			long deadline = System.nanoTime() + WRITE_TIMEOUT.toNanos();
			while ((offset = ring.claim(type, size)) < 0) {
				if (System.nanoTime() - deadline > 0) {
					throw new MessageDeliveryException("The messaging hub read nothing for " + WRITE_TIMEOUT);
				}
				LockSupport.parkNanos(50_000);
			}
		}
		if (reservedQueue >= 0) {
			this.channel.countReservation(reservedQueue);
		}
		body.write(ring.buffer(), offset);
		ring.publish();
		if (ring.takeParkedReader()) {
			this.bell.clear();
			try {
				this.socket.write(this.bell);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("The messaging hub is gone", ex);
			}
		}
	}

	private void read() {
		Ring ring = this.channel.toWorker();
		ByteBuffer doorbell = ByteBuffer.allocate(64);
		Ring.RecordReader records = this::apply;
		long idleSince = 0;
		try {
			while (this.open) {
				if (ring.read(records) > 0) {
					idleSince = 0;
					continue;
				}
				long now = System.nanoTime();
				if (idleSince == 0) {
					idleSince = now;
				}
				if (now - idleSince < this.spinNanos) {
					Thread.onSpinWait();
					continue;
				}
				ring.park();
				if (!ring.hasRecords()) {
					doorbell.clear();
					if (this.socket.read(doorbell) < 0) {
						break;
					}
				}
				ring.unpark();
				idleSince = 0;
			}
		}
		catch (IOException ex) {
			if (this.open) {
				logger.warn("pistil: the messaging hub is gone: " + ex);
			}
		}
		this.open = false;
		failRequests("The messaging hub is gone");
	}

	private void apply(int type, ByteBuffer buffer, int offset, int length) {
		Wire.Reader in = new Wire.Reader(buffer, offset);
		switch (type) {
			case Wire.DELIVER -> {
				int subscription = in.readInt();
				long tag = in.readLong();
				long messageId = in.readLong();
				int deliveryCount = in.readInt();
				int flags = in.readInt();
				Envelope message = in.readEnvelope();
				ListenerThread listener = this.listeners.get(subscription);
				if (listener != null) {
					listener.enqueue(tag, message,
							new DeliveryInfo(listener.destination(), Long.toString(messageId),
									(flags & Wire.REDELIVERED) != 0, deliveryCount, (flags & Wire.REQUEST) != 0,
									message.headers()));
				}
				else {
					new RemoteOutcomes(subscription).released(tag);
				}
			}
			case Wire.TOPIC_MESSAGE -> {
				int subscription = in.readInt();
				Envelope message = in.readEnvelope();
				ListenerThread listener = this.listeners.get(subscription);
				if (listener != null) {
					listener.enqueue(0, message,
							new DeliveryInfo(listener.destination(), "", false, 1, false, message.headers()));
				}
			}
			case Wire.RESPONSE -> {
				long request = in.readLong();
				boolean replied = in.readInt() == 1;
				CompletableFuture<Envelope> future = this.requests.get(request);
				if (replied) {
					Envelope reply = in.readEnvelope();
					if (future != null) {
						future.complete(reply);
					}
				}
				else {
					String error = in.readString();
					if (future != null) {
						future.completeExceptionally(new RequestFailedException(error));
					}
				}
			}
			default -> logger.warn("pistil: unknown record " + type + " from the messaging hub");
		}
	}

	private void failRequests(String reason) {
		this.requests.values().forEach((reply) -> reply.completeExceptionally(new RequestFailedException(reason)));
	}

	/** A subscription's outcomes, written to the hub; a topic's are not sent. */
	private final class RemoteOutcomes implements ListenerThread.Outcomes {

		private final int id;

		RemoteOutcomes(int id) {
			this.id = id;
		}

		@Override
		public void acknowledged(long tag) {
			if (tag != 0) {
				outcome(Wire.ACK, tag);
			}
		}

		@Override
		public void replied(long tag, Envelope reply) {
			write(Wire.REPLY, 4 + 8 + Wire.size(reply), (buffer, offset) -> {
				buffer.putInt(offset, this.id);
				buffer.putLong(offset + 4, tag);
				Wire.put(buffer, offset + 12, reply);
			});
		}

		@Override
		public void rejected(long tag, String error) {
			if (tag != 0) {
				write(Wire.REJECT, 4 + 8 + Wire.size(error), (buffer, offset) -> {
					buffer.putInt(offset, this.id);
					buffer.putLong(offset + 4, tag);
					Wire.put(buffer, offset + 12, error);
				});
			}
		}

		@Override
		public void released(long tag) {
			if (tag != 0) {
				outcome(Wire.RELEASE, tag);
			}
		}

		private void outcome(int type, long tag) {
			if (WorkerChannel.this.open) {
				write(type, 12, (buffer, offset) -> {
					buffer.putInt(offset, this.id);
					buffer.putLong(offset + 4, tag);
				});
			}
		}

	}

}
