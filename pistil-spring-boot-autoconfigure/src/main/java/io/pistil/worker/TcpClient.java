package io.pistil.worker;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;

/**
 * A connection that a {@link TcpWorker} accepted, over TCP or a Unix socket.
 */
public final class TcpClient {

	private final SocketChannel channel;

	private final SocketAddress address;

	private final InputStream input;

	private final OutputStream output;

	/**
	 * Creates a client.
	 * @param channel the accepted connection, in blocking mode
	 * @param address the client's address
	 */
	public TcpClient(SocketChannel channel, SocketAddress address) {
		this.channel = channel;
		this.address = address;
		this.input = Channels.newInputStream(channel);
		this.output = Channels.newOutputStream(channel);
	}

	/**
	 * Returns the connection's channel, in blocking mode.
	 * @return the channel
	 */
	public SocketChannel channel() {
		return this.channel;
	}

	/**
	 * Returns the client's address: an {@link java.net.InetSocketAddress}, or an (often
	 * unnamed) {@link java.net.UnixDomainSocketAddress}.
	 * @return the address
	 */
	public SocketAddress address() {
		return this.address;
	}

	/**
	 * Returns what the client sends, unbuffered.
	 * @return the stream, the same on every call
	 */
	public InputStream input() {
		return this.input;
	}

	/**
	 * Returns the stream to the client, unbuffered.
	 * @return the stream, the same on every call
	 */
	public OutputStream output() {
		return this.output;
	}

	@Override
	public String toString() {
		return "TcpClient " + this.address;
	}

}
