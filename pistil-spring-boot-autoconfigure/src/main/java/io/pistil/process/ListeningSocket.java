package io.pistil.process;

import java.net.SocketAddress;

/**
 * A listening socket that {@link SocketControl#listen} opened.
 *
 * @param fd its descriptor
 * @param address the address it is bound to
 */
public record ListeningSocket(int fd, SocketAddress address) {
}
