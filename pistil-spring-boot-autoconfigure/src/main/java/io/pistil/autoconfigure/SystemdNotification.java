package io.pistil.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

import io.pistil.arbiter.ArbiterEvent;
import io.pistil.net.Systemd;
import io.pistil.process.SocketControl;

/**
 * Tells systemd, when it gave the application a notification socket
 * ({@code NOTIFY_SOCKET}: a service of {@code Type=notify}), that the application is
 * ready ({@code READY=1}) once it has started, every pool ready and the web server (if
 * any) up; and that it stops ({@code STOPPING=1}).
 *
 * <p>
 * The datagram leaves from the application's own process, through the native layer:
 * {@code systemd-notify}, a process of its own, is ignored under systemd's default
 * {@code NotifyAccess=main}, and may exit before systemd can tell which service it
 * belongs to.
 */
class SystemdNotification {

	private static final Log logger = LogFactory.getLog(SystemdNotification.class);

	private final String socket;

	private final SocketControl sockets;

	SystemdNotification(String socket, SocketControl sockets) {
		this.socket = socket;
		this.sockets = sockets;
	}

	@EventListener(ApplicationReadyEvent.class)
	void ready() {
		if (Systemd.notify(this.socket, this.sockets, Systemd.READY)) {
			logger.info("pistil: told systemd the application is ready (" + Systemd.READY + ")");
		}
	}

	@EventListener(ArbiterEvent.ArbiterStopping.class)
	void stopping() {
		Systemd.notify(this.socket, this.sockets, Systemd.STOPPING);
	}

}
