package io.pistil.messaging.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.messaging.MessageDeliveryException;

import io.pistil.messaging.QueueStatistics;
import io.pistil.messaging.RequestFailedException;
import io.pistil.messaging.support.ClusterCounts;
import io.pistil.messaging.support.DeliveryHandler;
import io.pistil.messaging.support.DeliveryInfo;
import io.pistil.messaging.support.Envelope;
import io.pistil.messaging.support.QueueSettings;
import io.pistil.messaging.support.Transport;

/**
 * The local hub, in the arbiter: one thread that owns the {@link Hub}'s decisions, reads
 * every worker's ring, writes deliveries into them, and serves the arbiter's own
 * producers and listeners. Workers find it in the run directory: the queue table, a Unix
 * socket each connects to once (its doorbell, and its end-of-file when it dies), and
 * their channel files.
 *
 * <p>
 * At rest nothing spins: after a short spin the hub tells every worker it is parked and
 * blocks in its selector; a worker that then writes rings the doorbell with one byte.
 */
public final class LocalHub implements Transport, ClusterCounts {

	private static final Log logger = LogFactory.getLog(LocalHub.class);

	private static final String DIRECTORY = "messaging";

	private static final String SOCKET = "hub.sock";

	private static final String TABLE = "queues";

	private final Path directory;

	private final QueueTable table;

	private final Map<String, QueueSettings> queues = new HashMap<>();

	private final Map<String, ClusterFigures> clusterFigures = new HashMap<>();

	private final ServerSocketChannel server;

	private final Selector selector;

	private final Hub hub;

	private final long spinNanos;

	private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean parked = new AtomicBoolean();

	private final Thread thread;

	private volatile boolean running = true;

	/** The arbiter's own end: its listeners and its requests. */
	private final Object self = new Object();

	private final Map<Integer, ListenerThread> localListeners = new ConcurrentHashMap<>();

	private final Map<Long, CompletableFuture<Envelope>> localRequests = new ConcurrentHashMap<>();

	private final AtomicInteger nextSubscription = new AtomicInteger(1);

	private final AtomicLong nextRequest = new AtomicLong(1);

	// Owned by the hub's thread.

	private final Map<Long, RemoteChannel> channels = new HashMap<>();

	private final Map<Integer, Hub.Subscription> localSubscriptions = new HashMap<>();

	private final Map<Long, String> workerNames = new HashMap<>();

	private final ByteBuffer doorbell = ByteBuffer.allocate(64);

	private LocalHub(Path directory, List<QueueSettings> queues, List<String> clusterQueues, Duration spin)
			throws IOException {
		this.directory = directory;
		clusterQueues.forEach((queue) -> this.clusterFigures.put(queue, new ClusterFigures()));
		this.spinNanos = spin.toNanos();
		queues.forEach((queue) -> this.queues.put(queue.name(), queue));
		this.table = QueueTable.create(directory.resolve(TABLE), queues);
		this.hub = new Hub(queues, new HubOutbox());
		this.selector = Selector.open();
		this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		this.server.bind(UnixDomainSocketAddress.of(directory.resolve(SOCKET)));
		this.server.configureBlocking(false);
		this.server.register(this.selector, SelectionKey.OP_ACCEPT);
		this.thread = new Thread(this::loop, "pistil-messaging-hub");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Starts a hub in an arbiter's run directory.
	 * @param runDirectory the arbiter's run directory
	 * @param queues the local queues
	 * @param clusterQueues the cluster queues, whose counts the hub gathers
	 * @param spin how long the hub spins, once idle, before it blocks
	 * @return the hub
	 */
	public static LocalHub start(Path runDirectory, List<QueueSettings> queues, List<String> clusterQueues,
			Duration spin) {
		Path directory = directory(runDirectory);
		try {
			// Queue contents are the arbiter's and its workers' alone.
			Files.createDirectories(directory,
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			return new LocalHub(directory, queues, clusterQueues, spin);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start the messaging hub in " + directory, ex);
		}
	}

	/** Where a hub keeps its files in a run directory. */
	public static Path directory(Path runDirectory) {
		return runDirectory.resolve(DIRECTORY);
	}

	static Path socket(Path directory) {
		return directory.resolve(SOCKET);
	}

	static Path table(Path directory) {
		return directory.resolve(TABLE);
	}

	/** Every local queue's figures. */
	public Map<String, QueueStatistics> statistics() {
		return this.hub.statistics();
	}

	/**
	 * A cluster queue's figures: the counts of this arbiter and its workers.
	 * @param queue the queue
	 * @param depth the broker's count of its ready messages
	 * @return its figures
	 */
	public QueueStatistics clusterStatistics(String queue, long depth) {
		return clusterFigures(queue).statistics(depth);
	}

	@Override
	public void sent(String queue) {
		clusterFigures(queue).count(ClusterFigures.SENT);
	}

	@Override
	public void delivered(String queue, boolean redelivered) {
		clusterFigures(queue).count(redelivered ? ClusterFigures.REDELIVERED : ClusterFigures.DELIVERED);
	}

	@Override
	public void acknowledged(String queue) {
		clusterFigures(queue).count(ClusterFigures.ACKNOWLEDGED);
	}

	@Override
	public void rejected(String queue, boolean deadLettered) {
		clusterFigures(queue).count(deadLettered ? ClusterFigures.DEAD_LETTERED : ClusterFigures.REJECTED);
	}

	private ClusterFigures clusterFigures(String queue) {
		ClusterFigures figures = this.clusterFigures.get(queue);
		if (figures == null) {
			throw new IllegalArgumentException("No cluster queue '" + queue + "'");
		}
		return figures;
	}

	/**
	 * Names a worker's channel after its pool and number (the arbiter saw it start).
	 * @param pid the worker's pid
	 * @param name its pool and number
	 */
	public void workerStarted(long pid, String name) {
		command(() -> this.workerNames.put(pid, name));
	}

	/**
	 * A worker has exited: what it had in flight goes to other workers, if its channel
	 * has not closed already.
	 * @param pid the worker's pid
	 */
	public void workerExited(long pid) {
		command(() -> {
			this.workerNames.remove(pid);
			RemoteChannel channel = this.channels.get(pid);
			if (channel != null) {
				closeChannel(channel);
			}
		});
	}

	@Override
	public void send(String queue, Envelope message, Duration timeout) {
		reserve(queue, timeout);
		command(() -> this.hub.accept(queue, message, null));
	}

	@Override
	public boolean offer(String queue, Envelope message) {
		if (!this.table.tryReserve(index(queue))) {
			return false;
		}
		command(() -> this.hub.accept(queue, message, null));
		return true;
	}

	@Override
	public CompletableFuture<Envelope> request(String queue, Envelope message, Duration timeout) {
		reserve(queue, timeout);
		long id = this.nextRequest.getAndIncrement();
		CompletableFuture<Envelope> reply = new CompletableFuture<>();
		this.localRequests.put(id, reply);
		reply.whenComplete((result, failure) -> this.localRequests.remove(id));
		command(() -> this.hub.accept(queue, message, new Hub.ReplyTo(this.self, id)));
		return reply;
	}

	@Override
	public void publish(String topic, Envelope message) {
		command(() -> this.hub.publish(topic, message));
	}

	@Override
	public Subscription listen(String queue, DeliveryHandler handler) {
		index(queue);
		int id = this.nextSubscription.getAndIncrement();
		ListenerThread listener = new ListenerThread(queue, handler, new LocalOutcomes(id));
		this.localListeners.put(id, listener);
		command(() -> this.localSubscriptions.put(id, this.hub.subscribe(this.self, id, queue)));
		return (timeout) -> {
			listener.stop(timeout);
			command(() -> {
				Hub.Subscription subscription = this.localSubscriptions.remove(id);
				if (subscription != null) {
					this.hub.unsubscribe(subscription);
				}
			});
			this.localListeners.remove(id);
		};
	}

	@Override
	public Subscription subscribe(String topic, DeliveryHandler handler) {
		int id = this.nextSubscription.getAndIncrement();
		ListenerThread listener = new ListenerThread(topic, handler, NO_OUTCOMES);
		this.localListeners.put(id, listener);
		command(() -> this.hub.subscribeTopic(this.self, id, topic));
		return (timeout) -> {
			this.localListeners.remove(id);
			listener.stop(timeout);
		};
	}

	@Override
	public void close() {
		this.running = false;
		this.selector.wakeup();
		try {
			this.thread.join(2000);
			this.selector.close();
			this.server.close();
		}
		catch (IOException ex) {
			logger.debug("pistil: closing the messaging hub", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.localListeners.values().forEach((listener) -> listener.stop(Duration.ofSeconds(1)));
		this.localRequests.values()
			.forEach((reply) -> reply.completeExceptionally(new RequestFailedException("The messaging hub stopped")));
	}

	private void reserve(String queue, Duration timeout) {
		if (!this.table.reserve(index(queue), timeout)) {
			throw new MessageDeliveryException("Queue '" + queue + "' stayed full (" + this.queues.get(queue).capacity()
					+ " messages) for " + timeout.toMillis() + " ms");
		}
	}

	private int index(String queue) {
		int index = this.table.index(queue);
		if (index < 0) {
			throw new IllegalArgumentException("No local queue '" + queue + "'");
		}
		return index;
	}

	private void command(Runnable command) {
		this.commands.add(command);
		if (this.parked.get() && this.parked.compareAndSet(true, false)) {
			this.selector.wakeup();
		}
	}

	private void loop() {
		long idleSince = 0;
		try {
			while (this.running) {
				boolean worked = runCommands() | readChannels();
				if (worked) {
					this.selector.selectNow();
					handleKeys();
				}
				flushChannels();
				if (worked) {
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
				park();
				idleSince = 0;
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.error("pistil: the messaging hub failed; local queues stop", ex);
		}
		finally {
			List.copyOf(this.channels.values()).forEach(this::closeChannel);
		}
	}

	/** Blocks until a command, a doorbell, a connection or an end of file. */
	private void park() throws IOException {
		this.parked.set(true);
		this.channels.values().forEach((channel) -> channel.file.toHub().park());
		boolean work = !this.commands.isEmpty()
				|| this.channels.values().stream().anyMatch((channel) -> channel.file.toHub().hasRecords());
		if (!work) {
			// Not selectNow() first: it would swallow a producer's wakeup() given since
			// the
			// check above.
			this.selector.select();
		}
		this.parked.set(false);
		this.channels.values().forEach((channel) -> channel.file.toHub().unpark());
		handleKeys();
	}

	private boolean runCommands() {
		boolean worked = false;
		Runnable command;
		while ((command = this.commands.poll()) != null) {
			command.run();
			worked = true;
		}
		return worked;
	}

	private boolean readChannels() {
		boolean worked = false;
		for (RemoteChannel channel : this.channels.values()) {
			worked |= channel.file.toHub().read(channel) > 0;
		}
		return worked;
	}

	private void flushChannels() throws IOException {
		for (RemoteChannel channel : this.channels.values()) {
			channel.flush();
		}
	}

	private void handleKeys() throws IOException {
		Iterator<SelectionKey> keys = this.selector.selectedKeys().iterator();
		while (keys.hasNext()) {
			SelectionKey key = keys.next();
			keys.remove();
			if (!key.isValid()) {
				continue;
			}
			if (key.isAcceptable()) {
				SocketChannel socket = this.server.accept();
				if (socket != null) {
					socket.configureBlocking(false);
					socket.register(this.selector, SelectionKey.OP_READ, new Handshake(socket));
				}
			}
			else if (key.attachment() instanceof Handshake handshake) {
				handshake.read(key);
			}
			else if (key.attachment() instanceof RemoteChannel channel) {
				this.doorbell.clear();
				int read;
				try {
					read = channel.socket.read(this.doorbell);
				}
				catch (IOException ex) {
					read = -1;
				}
				if (read < 0) {
					closeChannel(channel);
				}
			}
		}
	}

	private void closeChannel(RemoteChannel channel) {
		if (this.channels.remove(channel.pid) == null) {
			return;
		}
		// What the worker wrote before it died still counts: its acknowledgements, its
		// sends.
		channel.file.toHub().read(channel);
		this.hub.close(channel);
		channel.clusterInFlight.forEach((queue, deliveries) -> clusterFigures(queue).abandoned(deliveries));
		for (int queue = 0; queue < QueueTable.MAX_QUEUES; queue++) {
			long neverSent = channel.file.reserved(queue) - channel.received[queue];
			if (neverSent > 0) {
				this.table.add(queue, -neverSent);
			}
		}
		try {
			channel.socket.close();
			Files.deleteIfExists(ChannelFile.of(this.directory, channel.pid));
		}
		catch (IOException ex) {
			logger.debug("pistil: closing the channel of worker " + channel.pid, ex);
		}
		logger.debug("pistil: messaging channel of " + channel.name() + " closed");
	}

	/** A new connection, until its worker has said its pid. */
	private final class Handshake {

		private final SocketChannel socket;

		private final ByteBuffer pid = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());

		Handshake(SocketChannel socket) {
			this.socket = socket;
		}

		void read(SelectionKey key) throws IOException {
			int read;
			try {
				read = this.socket.read(this.pid);
			}
			catch (IOException ex) {
				read = -1;
			}
			if (read < 0) {
				key.cancel();
				this.socket.close();
				return;
			}
			if (this.pid.hasRemaining()) {
				return;
			}
			long pid = this.pid.flip().getLong();
			ChannelFile file;
			try {
				file = ChannelFile.open(ChannelFile.of(LocalHub.this.directory, pid));
			}
			catch (RuntimeException ex) {
				logger.warn("pistil: worker " + pid + " has no usable messaging channel: " + ex.getMessage());
				key.cancel();
				this.socket.close();
				return;
			}
			RemoteChannel channel = new RemoteChannel(pid, this.socket, file);
			key.attach(channel);
			LocalHub.this.channels.put(pid, channel);
			logger.debug("pistil: messaging channel of " + channel.name() + " open");
		}

	}

	/** A worker's channel, seen from the hub's thread. */
	private final class RemoteChannel implements Ring.RecordReader {

		final long pid;

		final SocketChannel socket;

		final ChannelFile file;

		/** Messages received per local queue, against the worker's reservations. */
		final long[] received = new long[QueueTable.MAX_QUEUES];

		final Map<Integer, Hub.Subscription> subscriptions = new HashMap<>();

		/** The deliveries of cluster queues its listeners have in flight. */
		final Map<String, Long> clusterInFlight = new HashMap<>();

		/** Records waiting for room in the worker's ring. */
		final ArrayDeque<Pending> backlog = new ArrayDeque<>();

		private final ByteBuffer bell = ByteBuffer.allocate(1);

		RemoteChannel(long pid, SocketChannel socket, ChannelFile file) {
			this.pid = pid;
			this.socket = socket;
			this.file = file;
		}

		String name() {
			String name = LocalHub.this.workerNames.get(this.pid);
			return (name != null) ? "worker " + name + " (pid " + this.pid + ")" : "process " + this.pid;
		}

		@Override
		public void read(int type, ByteBuffer buffer, int offset, int length) {
			try {
				apply(type, new Wire.Reader(buffer, offset));
			}
			catch (RuntimeException ex) {
				logger.error("pistil: cannot apply record " + type + " from " + name() + "; skipping it", ex);
			}
		}

		private void apply(int type, Wire.Reader in) {
			switch (type) {
				case Wire.SUBSCRIBE -> {
					int id = in.readInt();
					String queue = in.readString();
					this.subscriptions.put(id, LocalHub.this.hub.subscribe(this, id, queue));
				}
				case Wire.SUBSCRIBE_TOPIC -> {
					int id = in.readInt();
					LocalHub.this.hub.subscribeTopic(this, id, in.readString());
				}
				case Wire.SEND -> {
					int queue = in.readInt();
					long request = in.readLong();
					this.received[queue]++;
					LocalHub.this.hub.accept(LocalHub.this.table.name(queue), in.readEnvelope(),
							(request != 0) ? new Hub.ReplyTo(this, request) : null);
				}
				case Wire.PUBLISH -> {
					String topic = in.readString();
					LocalHub.this.hub.publish(topic, in.readEnvelope());
				}
				case Wire.ACK -> {
					Hub.Subscription subscription = subscription(in.readInt());
					if (subscription != null) {
						LocalHub.this.hub.acknowledge(subscription, in.readLong());
					}
				}
				case Wire.REPLY -> {
					Hub.Subscription subscription = subscription(in.readInt());
					long tag = in.readLong();
					if (subscription != null) {
						LocalHub.this.hub.reply(subscription, tag, in.readEnvelope());
					}
				}
				case Wire.REJECT -> {
					Hub.Subscription subscription = subscription(in.readInt());
					long tag = in.readLong();
					if (subscription != null) {
						LocalHub.this.hub.reject(subscription, tag, in.readString());
					}
				}
				case Wire.RELEASE -> {
					Hub.Subscription subscription = subscription(in.readInt());
					if (subscription != null) {
						LocalHub.this.hub.release(subscription, in.readLong());
					}
				}
				case Wire.UNSUBSCRIBE -> {
					Hub.Subscription subscription = this.subscriptions.remove(in.readInt());
					if (subscription != null) {
						LocalHub.this.hub.unsubscribe(subscription);
					}
				}
				case Wire.CLUSTER_COUNT -> {
					String queue = in.readString();
					int moved = clusterFigures(queue).count(in.readInt());
					if (moved != 0) {
						this.clusterInFlight.merge(queue, (long) moved, Long::sum);
					}
				}
				default -> logger.warn("pistil: unknown record " + type + " from " + name());
			}
		}

		/**
		 * The subscription of an outcome, or null once it has ended: what it had in
		 * flight went back to its queue then.
		 */
		private Hub.Subscription subscription(int id) {
			return this.subscriptions.get(id);
		}

		void write(int type, int size, BodyWriter body) {
			if (this.backlog.isEmpty() && tryWrite(type, size, body)) {
				return;
			}
			this.backlog.add(new Pending(type, size, body));
		}

		private boolean tryWrite(int type, int size, BodyWriter body) {
			Ring ring = this.file.toWorker();
			int offset = ring.claim(type, size);
			if (offset < 0) {
				return false;
			}
			body.write(ring.buffer(), offset);
			return true;
		}

		void flush() throws IOException {
			while (!this.backlog.isEmpty()) {
				Pending next = this.backlog.peekFirst();
				if (!tryWrite(next.type, next.size, next.body)) {
					break;
				}
				this.backlog.pollFirst();
			}
			Ring ring = this.file.toWorker();
			ring.publish();
			if (ring.takeParkedReader()) {
				this.bell.clear();
				try {
					this.socket.write(this.bell);
				}
				catch (IOException ex) {
					// Its end of file comes next.
					logger.debug("pistil: doorbell of " + name(), ex);
				}
			}
		}

	}

	private record Pending(int type, int size, BodyWriter body) {
	}

	private final class HubOutbox implements Hub.Outbox {

		@Override
		public void delivery(Object owner, int subscription, long tag, long messageId, int deliveryCount,
				boolean redelivered, boolean request, Envelope envelope) {
			if (owner == LocalHub.this.self) {
				ListenerThread listener = LocalHub.this.localListeners.get(subscription);
				if (listener != null) {
					listener.enqueue(tag, envelope, new DeliveryInfo(listener.destination(), Long.toString(messageId),
							redelivered, deliveryCount, request, envelope.headers()));
				}
				return;
			}
			int flags = (redelivered ? Wire.REDELIVERED : 0) | (request ? Wire.REQUEST : 0);
			((RemoteChannel) owner).write(Wire.DELIVER, 4 + 8 + 8 + 4 + 4 + Wire.size(envelope), (buffer, offset) -> {
				buffer.putInt(offset, subscription);
				buffer.putLong(offset + 4, tag);
				buffer.putLong(offset + 12, messageId);
				buffer.putInt(offset + 20, deliveryCount);
				buffer.putInt(offset + 24, flags);
				Wire.put(buffer, offset + 28, envelope);
			});
		}

		@Override
		public void topicMessage(Object owner, int subscription, Envelope envelope) {
			if (owner == LocalHub.this.self) {
				ListenerThread listener = LocalHub.this.localListeners.get(subscription);
				if (listener != null) {
					listener.enqueue(0, envelope,
							new DeliveryInfo(listener.destination(), "", false, 1, false, envelope.headers()));
				}
				return;
			}
			((RemoteChannel) owner).write(Wire.TOPIC_MESSAGE, 4 + Wire.size(envelope), (buffer, offset) -> {
				buffer.putInt(offset, subscription);
				Wire.put(buffer, offset + 4, envelope);
			});
		}

		@Override
		public void response(Object requester, long requestId, Envelope reply, String error) {
			if (requester == LocalHub.this.self) {
				CompletableFuture<Envelope> future = LocalHub.this.localRequests.get(requestId);
				if (future != null) {
					if (error != null) {
						future.completeExceptionally(new RequestFailedException(error));
					}
					else {
						future.complete(reply);
					}
				}
				return;
			}
			RemoteChannel channel = (RemoteChannel) requester;
			if (!LocalHub.this.channels.containsKey(channel.pid)) {
				return;
			}
			int size = 8 + 4 + ((error != null) ? Wire.size(error) : Wire.size(reply));
			channel.write(Wire.RESPONSE, size, (buffer, offset) -> {
				buffer.putLong(offset, requestId);
				buffer.putInt(offset + 8, (error != null) ? 0 : 1);
				if (error != null) {
					Wire.put(buffer, offset + 12, error);
				}
				else {
					Wire.put(buffer, offset + 12, reply);
				}
			});
		}

		@Override
		public void depthChanged(QueueSettings queue, int delta) {
			LocalHub.this.table.add(LocalHub.this.table.index(queue.name()), delta);
		}

	}

	/** The outcomes of the arbiter's own listeners, carried out on the hub's thread. */
	private final class LocalOutcomes implements ListenerThread.Outcomes {

		private final int id;

		LocalOutcomes(int id) {
			this.id = id;
		}

		@Override
		public void acknowledged(long tag) {
			command(() -> LocalHub.this.hub.acknowledge(subscription(), tag));
		}

		@Override
		public void replied(long tag, Envelope reply) {
			command(() -> LocalHub.this.hub.reply(subscription(), tag, reply));
		}

		@Override
		public void rejected(long tag, String error) {
			command(() -> LocalHub.this.hub.reject(subscription(), tag, error));
		}

		@Override
		public void released(long tag) {
			command(() -> LocalHub.this.hub.release(subscription(), tag));
		}

		private Hub.Subscription subscription() {
			return LocalHub.this.localSubscriptions.get(this.id);
		}

	}

	private static final ListenerThread.Outcomes NO_OUTCOMES = new ListenerThread.Outcomes() {

		@Override
		public void acknowledged(long tag) {
		}

		@Override
		public void replied(long tag, Envelope reply) {
		}

		@Override
		public void rejected(long tag, String error) {
		}

		@Override
		public void released(long tag) {
		}

	};

}
