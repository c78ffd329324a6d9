package io.pistil.contract;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.net.ProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import io.pistil.net.ListenAddress;

/**
 * What the arbiter tells a worker of a tcp pool, as system properties on the child's
 * command line (which {@code ps} shows): the listening sockets it inherits, by
 * descriptor, or with reuse-port the addresses it binds itself; and how many connections
 * it serves at once.
 *
 * <p>
 * An inherited socket becomes a {@link ServerSocketChannel} through the JDK's own
 * constructor for a channel over a descriptor, the one behind
 * {@link System#inheritedChannel()}: that method only knows descriptor 0, and closing its
 * channel points descriptors 0, 1 and 2 at /dev/null, which would silence the worker (its
 * output goes to the arbiter through descriptors 1 and 2). The child opens
 * {@code java.base/sun.nio.ch} for it ({@link #jvmOptions()}).
 *
 * @param inherited the addresses of the inherited listening sockets, by descriptor
 * @param reusePortAddresses the addresses the worker binds itself with
 * {@code SO_REUSEPORT}
 * @param backlog the backlog of the sockets it binds itself
 * @param threads how many connections it serves at once: a number of threads, or
 * "virtual"
 * @param workerConnections with virtual threads, the most connections it serves at once
 */
public record TcpChildSettings(Map<Integer, ListenAddress> inherited, List<ListenAddress> reusePortAddresses,
		int backlog, String threads, int workerConnections) {

	/** The {@code threads} value for a virtual thread per connection. */
	public static final String VIRTUAL_THREADS = "virtual";

	private static final String PREFIX = "pistil.tcp.";

	private static final String INHERITED_PREFIX = PREFIX + "fd.";

	private static final String REUSE_PORT_PREFIX = PREFIX + "reuse-port.";

	private static final String ADD_OPENS = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";

	public TcpChildSettings {
		inherited = Collections.unmodifiableSortedMap(new TreeMap<>(inherited));
		reusePortAddresses = List.copyOf(reusePortAddresses);
	}

	/**
	 * Returns the JVM options that tell a child these settings.
	 * @return the options
	 */
	public List<String> jvmOptions() {
		List<String> options = new ArrayList<>();
		if (!this.inherited.isEmpty()) {
			options.add(ADD_OPENS);
		}
		this.inherited.forEach((fd, address) -> options.add("-D" + INHERITED_PREFIX + fd + "=" + address));
		for (int i = 0; i < this.reusePortAddresses.size(); i++) {
			options.add("-D" + REUSE_PORT_PREFIX + i + "=" + this.reusePortAddresses.get(i));
		}
		options.add("-D" + PREFIX + "backlog=" + this.backlog);
		options.add("-D" + PREFIX + "threads=" + this.threads);
		options.add("-D" + PREFIX + "worker-connections=" + this.workerConnections);
		return options;
	}

	/**
	 * Reads the settings that {@link #jvmOptions()} gave this JVM.
	 * @return the settings, or empty in a JVM that is no tcp pool's worker
	 */
	public static Optional<TcpChildSettings> fromSystemProperties() {
		Properties properties = System.getProperties();
		if (properties.getProperty(PREFIX + "threads") == null) {
			return Optional.empty();
		}
		Map<Integer, ListenAddress> inherited = new TreeMap<>();
		Map<Integer, ListenAddress> reusePort = new TreeMap<>();
		for (String name : properties.stringPropertyNames()) {
			if (name.startsWith(INHERITED_PREFIX)) {
				inherited.put(Integer.parseInt(name.substring(INHERITED_PREFIX.length())),
						ListenAddress.parse(properties.getProperty(name)));
			}
			else if (name.startsWith(REUSE_PORT_PREFIX)) {
				reusePort.put(Integer.parseInt(name.substring(REUSE_PORT_PREFIX.length())),
						ListenAddress.parse(properties.getProperty(name)));
			}
		}
		return Optional.of(new TcpChildSettings(inherited, List.copyOf(reusePort.values()),
				Integer.parseInt(properties.getProperty(PREFIX + "backlog")),
				properties.getProperty(PREFIX + "threads"),
				Integer.parseInt(properties.getProperty(PREFIX + "worker-connections"))));
	}

	/**
	 * Opens the worker's listening channels: over its inherited sockets, and bound with
	 * {@code SO_REUSEPORT} to its reuse-port addresses.
	 * @return the channels, in blocking mode
	 * @throws IOException if an address cannot be bound, naming it
	 */
	public List<ServerSocketChannel> openChannels() throws IOException {
		List<ServerSocketChannel> channels = new ArrayList<>();
		try {
			for (Map.Entry<Integer, ListenAddress> entry : this.inherited.entrySet()) {
				channels.add(inherited(entry.getKey(), entry.getValue().family()));
			}
			for (ListenAddress address : this.reusePortAddresses) {
				channels.add(bindReusePort(address));
			}
			return channels;
		}
		catch (IOException | RuntimeException ex) {
			for (ServerSocketChannel channel : channels) {
				channel.close();
			}
			throw ex;
		}
	}

	private static ServerSocketChannel inherited(int fd, ProtocolFamily family) {
		try {
			FileDescriptor descriptor = (FileDescriptor) Class.forName("sun.nio.ch.IOUtil")
				.getMethod("newFD", int.class)
				.invoke(null, fd);
			Constructor<?> constructor = Class.forName("sun.nio.ch.ServerSocketChannelImpl")
				.getDeclaredConstructor(SelectorProvider.class, ProtocolFamily.class, FileDescriptor.class,
						boolean.class);
			constructor.setAccessible(true);
			return (ServerSocketChannel) constructor.newInstance(SelectorProvider.provider(), family, descriptor, true);
		}
		catch (InvocationTargetException ex) {
			throw new IllegalStateException(
					"Cannot open the listening socket inherited on descriptor " + fd + ": " + ex.getCause(),
					ex.getCause());
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			throw new IllegalStateException("Cannot open the listening socket inherited on descriptor " + fd
					+ " (this JVM needs " + ADD_OPENS + "): " + ex, ex);
		}
	}

	private ServerSocketChannel bindReusePort(ListenAddress address) throws IOException {
		ServerSocketChannel channel = ServerSocketChannel.open(address.family());
		try {
			channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
			channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
			channel.bind(address.socketAddress(), this.backlog);
			return channel;
		}
		catch (IOException ex) {
			channel.close();
			throw new IOException("Cannot listen on " + address + ": " + ex.getMessage(), ex);
		}
	}

}
