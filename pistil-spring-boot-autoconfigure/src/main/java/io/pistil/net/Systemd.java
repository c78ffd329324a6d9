package io.pistil.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.process.SocketControl;

/**
 * The two systemd protocols the arbiter speaks: socket activation ({@code LISTEN_PID} and
 * {@code LISTEN_FDS}: listening sockets from descriptor 3 on) and readiness notification
 * (a datagram to {@code NOTIFY_SOCKET}).
 */
public final class Systemd {

	/**
	 * systemd's variables: meant for the arbiter only, so its workers never inherit them.
	 */
	public static final Set<String> VARIABLES = Set.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "NOTIFY_SOCKET",
			"WATCHDOG_USEC", "WATCHDOG_PID");

	/** sd_notify's state once the service has started. */
	public static final String READY = "READY=1";

	/** sd_notify's state once the service begins to stop. */
	public static final String STOPPING = "STOPPING=1";

	private static final Log logger = LogFactory.getLog(Systemd.class);

	private static final int FIRST_ACTIVATED_FD = 3;

	private Systemd() {
	}

	/**
	 * Returns the listening sockets that socket activation handed to this process.
	 * @param environment this process's environment
	 * @param pid this process's pid: the sockets are this process's only if
	 * {@code LISTEN_PID} names it
	 * @param sockets the native socket layer
	 * @return the sockets' descriptors by address; none without socket activation
	 */
	public static Map<SocketAddress, Integer> activatedSockets(Map<String, String> environment, long pid,
			SocketControl sockets) {
		String listenPid = environment.get("LISTEN_PID");
		String count = environment.get("LISTEN_FDS");
		if (listenPid == null || count == null || !listenPid.trim().equals(Long.toString(pid))) {
			return Map.of();
		}
		int fds;
		try {
			fds = Integer.parseInt(count.trim());
		}
		catch (NumberFormatException ex) {
			logger.warn("pistil: ignoring LISTEN_FDS='" + count + "', which is no number");
			return Map.of();
		}
		Map<SocketAddress, Integer> activated = new LinkedHashMap<>();
		for (int fd = FIRST_ACTIVATED_FD; fd < FIRST_ACTIVATED_FD + fds; fd++) {
			int descriptor = fd;
			sockets.listeningAddress(fd)
				.ifPresentOrElse((address) -> activated.put(address, descriptor),
						() -> logger.warn("pistil: descriptor " + descriptor
								+ " from socket activation is no listening stream socket; ignored"));
		}
		return activated;
	}

	/** sd_notify's keep-alive, for a service with {@code WatchdogSec=}. */
	public static final String WATCHDOG = "WATCHDOG=1";

	/**
	 * Returns the watchdog interval systemd asks of this process ({@code WatchdogSec=} of
	 * its service): it must send {@link #WATCHDOG} more often than that.
	 * @param environment this process's environment
	 * @param pid this process's pid: with {@code WATCHDOG_PID}, the watchdog is this
	 * process's only if it names it
	 * @return the interval, or empty without a watchdog
	 */
	public static Optional<Duration> watchdogInterval(Map<String, String> environment, long pid) {
		String usec = environment.get("WATCHDOG_USEC");
		String watchdogPid = environment.get("WATCHDOG_PID");
		if (usec == null || (watchdogPid != null && !watchdogPid.trim().equals(Long.toString(pid)))) {
			return Optional.empty();
		}
		try {
			long micros = Long.parseLong(usec.trim());
			return (micros > 0) ? Optional.of(Duration.ofNanos(micros * 1000)) : Optional.empty();
		}
		catch (NumberFormatException ex) {
			logger.warn("pistil: ignoring WATCHDOG_USEC='" + usec + "', which is no number");
			return Optional.empty();
		}
	}

	/**
	 * Tells systemd a state of this service (sd_notify). A failure is logged: the service
	 * goes on.
	 * @param socket the notification socket, from {@code NOTIFY_SOCKET}
	 * @param sockets the native socket layer
	 * @param state e.g. {@link #READY}
	 * @return whether the state was sent
	 */
	public static boolean notify(String socket, SocketControl sockets, String state) {
		try {
			sockets.sendDatagram(socket, state.getBytes(StandardCharsets.UTF_8));
			return true;
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("pistil: cannot notify systemd (" + state + ") on " + socket + ": " + ex.getMessage());
			return false;
		}
	}

}
