package io.pistil.benchmarks.messaging;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import io.pistil.messaging.MessagingStatistics;
import io.pistil.messaging.PistilListener;
import io.pistil.messaging.PistilMessaging;

/**
 * Measures, in one run, pistil's local messaging (an arbiter and one worker JVM) against
 * a plain Unix-socket exchange between two JVMs, and its cluster scope against Spring
 * AMQP's own template and container on the same broker, and prints one table.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class MessagingBenchmark {

	private static final int SIZE = 64;

	private static final int LOCAL_MESSAGES = Integer.getInteger("bench.local-messages", 2_000_000);

	private static final int REQUESTS = Integer.getInteger("bench.requests", 20_000);

	private static final int REQUEST_RATE = 10_000;

	/** A rate the exchange keeps up with easily: its latency without a queue. */
	private static final int LOW_REQUEST_RATE = 1_000;

	private static final int CLUSTER_MESSAGES = Integer.getInteger("bench.cluster-messages", 20_000);

	private static final int CLUSTER_SENDERS = 4;

	private static final String RAW_QUEUE = "bench-raw-sink";

	private final byte[] payload = new byte[SIZE];

	private final PistilMessaging messaging;

	private final MessagingStatistics statistics;

	private final ClusterSink clusterSink;

	private final Map<String, String> results = new HashMap<>();

	MessagingBenchmark(PistilMessaging messaging, MessagingStatistics statistics, ClusterSink clusterSink) {
		this.messaging = messaging;
		this.statistics = statistics;
		this.clusterSink = clusterSink;
	}

	public static void main(String[] args) throws Exception {
		ConfigurableApplicationContext context = SpringApplication.run(MessagingBenchmark.class, args);
		int status = 0;
		try {
			context.getBean(MessagingBenchmark.class).run();
		}
		catch (Exception ex) {
			ex.printStackTrace();
			status = 1;
		}
		finally {
			context.close();
		}
		System.exit(status);
	}

	@Bean
	static ClusterSink clusterSink() {
		return new ClusterSink();
	}

	void run() throws Exception {
		System.out.println("local throughput ...");
		localThroughput(LOCAL_MESSAGES / 10);
		double local = localThroughput(LOCAL_MESSAGES);
		System.out.println("local request/reply ...");
		localRequests(REQUESTS / 4, REQUEST_RATE);
		long[] localLatency = localRequests(REQUESTS, REQUEST_RATE);
		long[] localLowLatency = localRequests(REQUESTS / 4, LOW_REQUEST_RATE);
		System.out.println("unix socket baseline ...");
		double socket = socketThroughput(LOCAL_MESSAGES);
		long[] socketLatency = socketRequests(REQUESTS, REQUEST_RATE);
		long[] socketLowLatency = socketRequests(REQUESTS / 4, LOW_REQUEST_RATE);
		System.out.println("cluster ...");
		clusterThroughput(CLUSTER_MESSAGES / 4);
		rawThroughput(CLUSTER_MESSAGES / 4);
		double[] cluster = { clusterThroughput(CLUSTER_MESSAGES), clusterThroughput(CLUSTER_MESSAGES) };
		double[] raw = { rawThroughput(CLUSTER_MESSAGES), rawThroughput(CLUSTER_MESSAGES) };
		double pistilCluster = (cluster[0] + cluster[1]) / 2;
		double rawCluster = (raw[0] + raw[1]) / 2;
		System.out.println();
		System.out.printf(Locale.ROOT, "| %-58s | %-22s | %-28s | %-22s |%n", "measurement", "pistil", "baseline",
				"goal");
		System.out.printf(Locale.ROOT, "|%s|%s|%s|%s|%n", "-".repeat(60), "-".repeat(24), "-".repeat(30),
				"-".repeat(24));
		row("local: messages/s, 64 B, acknowledged (arbiter -> worker)", rate(local), "unix socket: " + rate(socket),
				">= 1,000,000");
		row("local: request/reply p50 / p99 at 10,000 requests/s", micros(localLatency),
				"unix socket: " + micros(socketLatency), "p99 <= 50 us");
		row("local: request/reply p50 / p99 at 1,000 requests/s", micros(localLowLatency),
				"unix socket: " + micros(socketLowLatency), "");
		row("cluster: messages/s, 64 B, confirmed, acknowledged", rate(pistilCluster), String.format(Locale.ROOT,
				"RabbitTemplate: %s (%.0f%%)", rate(rawCluster), 100 * pistilCluster / rawCluster),
				"within 10% of raw");
		System.out.printf(Locale.ROOT, "cluster runs: pistil %s / %s, raw %s / %s%n", rate(cluster[0]),
				rate(cluster[1]), rate(raw[0]), rate(raw[1]));
	}

	private static void row(String measurement, String pistil, String baseline, String goal) {
		System.out.printf(Locale.ROOT, "| %-58s | %-22s | %-28s | %-22s |%n", measurement, pistil, baseline, goal);
	}

	private static String rate(double perSecond) {
		return String.format(Locale.ROOT, "%,.0f", perSecond);
	}

	private static String micros(long[] latencies) {
		return String.format(Locale.ROOT, "%.1f / %.1f us", percentile(latencies, 50) / 1000.0,
				percentile(latencies, 99) / 1000.0);
	}

	private static long percentile(long[] sorted, int percent) {
		return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)];
	}

	/**
	 * Offers as fast as the queue takes, and times until the worker has acknowledged all.
	 */
	private double localThroughput(int messages) {
		long acknowledged = this.statistics.queues().get("sink").acknowledged();
		long start = System.nanoTime();
		for (int i = 0; i < messages; i++) {
			while (!this.messaging.offer("sink", this.payload)) {
				Thread.onSpinWait();
			}
		}
		long target = acknowledged + messages;
		while (this.statistics.queues().get("sink").acknowledged() < target) {
			LockSupport.parkNanos(100_000);
		}
		return messages / seconds(System.nanoTime() - start);
	}

	/**
	 * Requests paced at the rate; each latency runs from the request's planned time, so a
	 * late answer delays the next request's count too (no coordinated omission).
	 */
	private long[] localRequests(int requests, int rate) throws Exception {
		return paced(requests, rate,
				() -> this.messaging.request("echo", this.payload, byte[].class).get(10, TimeUnit.SECONDS));
	}

	private double socketThroughput(int messages) throws Exception {
		try (SocketPeer peer = SocketPeer.start("ack")) {
			AtomicLong acknowledged = new AtomicLong();
			Thread reader = new Thread(() -> {
				ByteBuffer acks = ByteBuffer.allocateDirect(8 * 1024);
				long bytes = 0;
				try {
					while (bytes < 8L * messages) {
						acks.clear();
						bytes += peer.channel.read(acks);
					}
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
				acknowledged.set(bytes / 8);
			});
			long start = System.nanoTime();
			reader.start();
			ByteBuffer message = ByteBuffer.allocateDirect(SIZE);
			for (int i = 0; i < messages; i++) {
				message.clear();
				while (message.hasRemaining()) {
					peer.channel.write(message);
				}
			}
			reader.join();
			return acknowledged.get() / seconds(System.nanoTime() - start);
		}
	}

	private long[] socketRequests(int requests, int rate) throws Exception {
		try (SocketPeer peer = SocketPeer.start("echo")) {
			ByteBuffer message = ByteBuffer.allocateDirect(SIZE);
			Request exchange = () -> {
				message.clear();
				while (message.hasRemaining()) {
					peer.channel.write(message);
				}
				message.clear();
				while (message.hasRemaining()) {
					peer.channel.read(message);
				}
			};
			paced(requests / 4, rate, exchange);
			return paced(requests, rate, exchange);
		}
	}

	private long[] paced(int requests, int rate, Request request) throws Exception {
		long interval = 1_000_000_000L / rate;
		long[] latencies = new long[requests];
		long start = System.nanoTime() + 1_000_000;
		for (int i = 0; i < requests; i++) {
			long planned = start + i * interval;
			// The pacing must not take a core of its own: park, then spin the last
			// stretch.
			for (long left = planned - System.nanoTime(); left > 0; left = planned - System.nanoTime()) {
				if (left > 60_000) {
					LockSupport.parkNanos(left - 50_000);
				}
				else {
					Thread.onSpinWait();
				}
			}
			request.run();
			latencies[i] = System.nanoTime() - planned;
		}
		Arrays.sort(latencies);
		return latencies;
	}

	private double clusterThroughput(int messages) throws InterruptedException {
		long received = this.clusterSink.received.get();
		long start = System.nanoTime();
		inParallel(messages, () -> this.messaging.send("cluster-sink", this.payload));
		while (this.clusterSink.received.get() < received + messages) {
			LockSupport.parkNanos(1_000_000);
		}
		return messages / seconds(System.nanoTime() - start);
	}

	/**
	 * The same as the cluster scope with Spring AMQP alone: a quorum queue with the same
	 * arguments, correlated publisher confirms waited for by each sender, a direct
	 * container with the same prefetch and automatic acknowledgements.
	 */
	private double rawThroughput(int messages) throws InterruptedException {
		CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1", 5672);
		connectionFactory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
		DirectMessageListenerContainer container = new DirectMessageListenerContainer(connectionFactory);
		try {
			RabbitAdmin admin = new RabbitAdmin(connectionFactory);
			admin.declareQueue(new Queue(RAW_QUEUE, true, false, false, Map.of("x-queue-type", "quorum", "x-max-length",
					1_000_000, "x-overflow", "reject-publish", "x-delivery-limit", 4)));
			admin.purgeQueue(RAW_QUEUE, false);
			AtomicLong received = new AtomicLong();
			container.setQueueNames(RAW_QUEUE);
			container.setPrefetchCount(250);
			container.setAcknowledgeMode(AcknowledgeMode.AUTO);
			container.setMessageListener((Message message) -> received.incrementAndGet());
			container.afterPropertiesSet();
			container.start();
			RabbitTemplate template = new RabbitTemplate(connectionFactory);
			long start = System.nanoTime();
			inParallel(messages, () -> {
				CorrelationData correlation = new CorrelationData();
				template.send("", RAW_QUEUE, new Message(this.payload, new MessageProperties()), correlation);
				try {
					if (!correlation.getFuture().get(10, TimeUnit.SECONDS).ack()) {
						throw new IllegalStateException("nack");
					}
				}
				catch (InterruptedException | ExecutionException | TimeoutException ex) {
					throw new IllegalStateException(ex);
				}
			});
			while (received.get() < messages) {
				LockSupport.parkNanos(1_000_000);
			}
			return messages / seconds(System.nanoTime() - start);
		}
		finally {
			container.stop();
			connectionFactory.destroy();
		}
	}

	private static void inParallel(int messages, Runnable send) throws InterruptedException {
		AtomicInteger left = new AtomicInteger(messages);
		List<Thread> senders = new ArrayList<>();
		for (int i = 0; i < CLUSTER_SENDERS; i++) {
			Thread sender = new Thread(() -> {
				while (left.getAndDecrement() > 0) {
					send.run();
				}
			});
			sender.start();
			senders.add(sender);
		}
		for (Thread sender : senders) {
			sender.join();
		}
	}

	private static double seconds(long nanos) {
		return nanos / 1e9;
	}

	@FunctionalInterface
	interface Request {

		void run() throws Exception;

	}

	/** The arbiter's consumer of the cluster queue. */
	static final class ClusterSink {

		final AtomicLong received = new AtomicLong();

		@PistilListener(queue = "cluster-sink")
		void receive(byte[] message) {
			this.received.incrementAndGet();
		}

	}

	/** The baseline's other JVM and the connection to it. */
	private static final class SocketPeer implements AutoCloseable {

		private final Process process;

		private final SocketChannel channel;

		private SocketPeer(Process process, SocketChannel channel) {
			this.process = process;
			this.channel = channel;
		}

		static SocketPeer start(String mode) throws IOException {
			Path socket = Files.createTempDirectory("pistil-bench-").resolve("peer.sock");
			Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					System.getProperty("bench.peer-source"), socket.toString(), Integer.toString(SIZE), mode)
				.redirectErrorStream(true)
				.start();
			process.getInputStream().read();
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (!Files.exists(socket) && System.nanoTime() < deadline) {
				LockSupport.parkNanos(10_000_000);
			}
			SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
			channel.connect(UnixDomainSocketAddress.of(socket));
			return new SocketPeer(process, channel);
		}

		@Override
		public void close() throws IOException {
			this.channel.close();
			this.process.destroy();
		}

	}

}
